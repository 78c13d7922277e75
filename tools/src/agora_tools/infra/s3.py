"""An S3-compatible server: Versity's S3 gateway (versitygw, Apache-2.0) over a plain
directory (its ``posix`` backend: a bucket is a folder, an object a file), built with
``go install`` from the Go module proxy. What the catalog's S3 image store is tested
against (ADR 0103)."""

from __future__ import annotations

from agora_tools.infra.base import HOST, Server, env_port, http_ok
from agora_tools.infra.toolchains import go_install

PACKAGE = "github.com/versity/versitygw/cmd/versitygw"
VERSION = "v1.8.0"
# The root account's keys: a test server on loopback, nothing secret in it.
ACCESS_KEY = "agora-test"
SECRET_KEY = "agora-test-secret"  # noqa: S105 - a local test server's fixed key
REGION = "us-east-1"
HEALTH_PATH = "/healthz"


class S3(Server):
    name = "s3"
    version = VERSION
    start_timeout = 30.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("S3", 7070)
        self.data_dir = self.home / "data"
        # Object metadata (content type, cache control) in files beside the data, so
        # the server needs no extended attributes from the filesystem under it.
        self.meta_dir = self.home / "meta"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def install(self) -> None:
        go_install(PACKAGE, VERSION, "versitygw")

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.meta_dir.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [
            str(go_install(PACKAGE, VERSION, "versitygw")),
            "--port",
            f"{HOST}:{self.port}",
            "--access",
            ACCESS_KEY,
            "--secret",
            SECRET_KEY,
            "--region",
            REGION,
            "--health",
            HEALTH_PATH,
            "--quiet",
            "posix",
            "--sidecar",
            str(self.meta_dir),
            str(self.data_dir),
        ]

    def ready(self) -> bool:
        return http_ok(f"{self.url}{HEALTH_PATH}")

    def endpoints(self) -> dict[str, str]:
        return {"url": self.url, "access_key": ACCESS_KEY}
