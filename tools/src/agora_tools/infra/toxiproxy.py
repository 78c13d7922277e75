"""Toxiproxy, a TCP proxy whose HTTP API adds latency, cuts connections and more, for
fault-injection tests; built with ``go install`` (its command is ``cmd/server``)."""

from __future__ import annotations

from typing import Any

import httpx

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


class Proxy:
    """One proxy of a toxiproxy server (made on a free loopback port unless ``listen``
    names one) and its toxics; ``close`` removes it."""

    def __init__(self, api_url: str, name: str, upstream: str, listen: str = f"{HOST}:0") -> None:
        self.api_url = api_url
        self.name = name
        httpx.delete(f"{api_url}/proxies/{name}", timeout=10)  # a leftover of a killed run
        answer = httpx.post(
            f"{api_url}/proxies",
            json={"name": name, "listen": listen, "upstream": upstream, "enabled": True},
            timeout=10,
        )
        answer.raise_for_status()
        self.listen: str = answer.json()["listen"]

    @property
    def host(self) -> str:
        return self.listen.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.listen.rsplit(":", 1)[1])

    def add(self, toxic: str, kind: str, stream: str = "downstream", **attributes: Any) -> None:
        """A toxic (``latency`` with ``latency`` ms, ``reset_peer``, ``timeout``...) on
        every connection through the proxy, those open already too."""
        answer = httpx.post(
            f"{self.api_url}/proxies/{self.name}/toxics",
            json={"name": toxic, "type": kind, "stream": stream, "attributes": attributes},
            timeout=10,
        )
        answer.raise_for_status()

    def remove(self, toxic: str) -> None:
        httpx.delete(f"{self.api_url}/proxies/{self.name}/toxics/{toxic}", timeout=10)

    def set_enabled(self, on: bool) -> None:
        """Disabled, the proxy drops its connections and refuses new ones, as a server
        that is down; enabled, it forwards again."""
        answer = httpx.post(f"{self.api_url}/proxies/{self.name}", json={"enabled": on}, timeout=10)
        answer.raise_for_status()

    def close(self) -> None:
        httpx.delete(f"{self.api_url}/proxies/{self.name}", timeout=10)
