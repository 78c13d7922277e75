"""Toxiproxy, a TCP proxy whose HTTP API adds latency, cuts connections and more, for
fault-injection tests; built with ``go install`` (its command is ``cmd/server``)."""

from __future__ import annotations

from agora_tools.infra.base import HOST, Server, env_port, http_ok
from agora_tools.infra.toolchains import go_install

PACKAGE = "github.com/Shopify/toxiproxy/v2/cmd/server"
VERSION = "v2.5.0"


class Toxiproxy(Server):
    name = "toxiproxy"
    version = VERSION
    start_timeout = 30.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("TOXIPROXY", 8474)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def install(self) -> None:
        go_install(PACKAGE, VERSION, "server")

    def command(self) -> list[str]:
        return [str(go_install(PACKAGE, VERSION, "server")), "-host", HOST, "-port", str(self.port)]

    def ready(self) -> bool:
        return http_ok(f"{self.url}/version")

    def endpoints(self) -> dict[str, str]:
        return {"api": self.url}
