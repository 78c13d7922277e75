"""The SMTP server for tests (aiosmtpd, see :mod:`agora_tools.infra.smtp_sink`): runs
from the workspace's own Python, keeps received mail in ``maildir/``."""

from __future__ import annotations

import importlib.util
import socket
import sys

from agora_tools.infra.base import HOST, ProvisionError, Server, env_port


class SmtpSink(Server):
    name = "smtp"
    start_timeout = 30.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("SMTP", 1025)
        self.maildir = self.home / "maildir"

    def install(self) -> None:
        if importlib.util.find_spec("aiosmtpd") is None:
            raise ProvisionError("aiosmtpd is not installed: run `make install`")

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "agora_tools.infra.smtp_sink",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--maildir",
            str(self.maildir),
        ]

    def ready(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as sock:
                sock.settimeout(1)
                return sock.recv(128).startswith(b"220")
        except OSError:
            return False

    def endpoints(self) -> dict[str, str]:
        return {"smtp": f"{HOST}:{self.port}", "maildir": str(self.maildir)}
