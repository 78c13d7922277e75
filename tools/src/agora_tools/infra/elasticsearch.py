"""Elasticsearch 8.x, one node, from the ``integ-test-zip`` distribution on Maven Central
(the build's own test distribution: core modules and x-pack security, no bundled JDK),
run on the machine's JDK with a small heap and security off, on loopback only.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import httpx

from agora_tools.infra.base import (
    HOST,
    ProvisionError,
    Server,
    chown_tree,
    ensure_service_user,
    env_port,
)
from agora_tools.infra.toolchains import java_home, maven_fetch

VERSION = "8.19.21"
ARTIFACT = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{VERSION}:zip"


class Elasticsearch(Server):
    name = "elasticsearch"
    version = VERSION
    start_timeout = 180.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("ELASTICSEARCH", 9200)
        self.transport_port = env_port("ELASTICSEARCH_TRANSPORT", 9300)
        self.dist = self.cache / VERSION / f"elasticsearch-{VERSION}"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def install(self) -> None:
        download = self.cache / VERSION
        marker = download / ".complete"  # an interrupted unpack starts over
        if marker.exists():
            return
        shutil.rmtree(self.dist, ignore_errors=True)
        maven_fetch(
            ["dependency:copy", f"-Dartifact={ARTIFACT}", f"-DoutputDirectory={download}"], download
        )
        archive = download / f"elasticsearch-{VERSION}.zip"
        _unzip(archive, download)
        archive.unlink()  # Maven's local repository keeps a copy
        marker.touch()

    def run_as(self) -> str | None:
        # Elasticsearch refuses to run as root.
        return ensure_service_user() if os.geteuid() == 0 else None

    def _runtime_dist(self) -> Path:
        """The distribution as the server's user can read it. Under root the cache sits
        in root's home, which that user cannot enter: link the files into our state
        folder (hard links, so no copy), or copy them across file systems."""
        if self.run_as() is None:
            return self.dist
        linked = self.home / "dist"
        if not (linked / "bin" / "elasticsearch").exists():
            shutil.rmtree(linked, ignore_errors=True)
            try:
                shutil.copytree(self.dist, linked, copy_function=os.link)
            except OSError:
                shutil.rmtree(linked, ignore_errors=True)
                shutil.copytree(self.dist, linked)
        return linked

    def prepare(self) -> None:
        dist = self._runtime_dist()
        config = self.home / "config"
        if not config.exists():
            shutil.copytree(dist / "config", config)
        (config / "elasticsearch.yml").write_text(
            "\n".join(
                [
                    "cluster.name: agora-infra",
                    "node.name: agora-infra",
                    f"path.data: {self.home / 'data'}",
                    f"path.logs: {self.home / 'logs'}",
                    f"network.host: {HOST}",
                    f"http.port: {self.port}",
                    f"transport.port: {self.transport_port}",
                    "discovery.type: single-node",
                    # Loopback-only test server: no TLS, no passwords.
                    "xpack.security.enabled: false",
                    # A fuller disk must not turn test indices read-only.
                    "cluster.routing.allocation.disk.threshold_enabled: false",
                    "",
                ]
            )
        )
        for sub in ("data", "logs", "tmp"):
            (self.home / sub).mkdir(exist_ok=True)
        user = self.run_as()
        if user is not None:
            for sub in ("config", "data", "logs", "tmp"):
                chown_tree(self.home / sub, user)

    def command(self) -> list[str]:
        return [str(self._runtime_dist() / "bin" / "elasticsearch")]

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "ES_JAVA_HOME": java_home(),
            "ES_PATH_CONF": str(self.home / "config"),
            "ES_TMPDIR": str(self.home / "tmp"),
            # Two cores and many other servers: a small fixed heap.
            "ES_JAVA_OPTS": "-Xms512m -Xmx512m",
        }

    def ready(self) -> bool:
        try:
            answer = httpx.get(f"{self.url}/_cluster/health", timeout=2)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200 and answer.json().get("status") in ("green", "yellow")

    def endpoints(self) -> dict[str, str]:
        return {"url": self.url}


def _unzip(archive: Path, target: Path) -> None:
    """Unpack keeping each file's mode: zipfile alone drops the executable bits."""
    if not archive.exists():
        raise ProvisionError(f"Maven did not fetch {archive.name}")
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            path = Path(zipped.extract(info, target))
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                path.chmod(mode & 0o777)
