"""Redis from Debian's ``redis-server`` package, run in the foreground on a loopback
port of its own (6380 by default, so a system Redis on 6379 does not clash), with
persistence off: a test server keeps nothing between runs."""

from __future__ import annotations

import socket

from agora_tools.infra.base import HOST, Server, env_port
from agora_tools.infra.toolchains import ensure_apt_binary


class Redis(Server):
    name = "redis"
    start_timeout = 30.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("REDIS", 6380)

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def install(self) -> None:
        ensure_apt_binary("redis-server", "redis-server")

    def command(self) -> list[str]:
        return [
            ensure_apt_binary("redis-server", "redis-server"),
            "--bind",
            HOST,
            "--port",
            str(self.port),
            "--dir",
            str(self.home),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            "",
        ]

    def ready(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def endpoints(self) -> dict[str, str]:
        return {"url": self.url}
