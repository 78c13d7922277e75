"""An SMTP server for tests: accepts every message (and any login, TLS or not) and keeps
it in a Maildir, with the envelope in ``X-Agora-Mail-From`` / ``X-Agora-Rcpt-To``
headers, where a test reads it back with :mod:`mailbox`.

Run as ``python -m agora_tools.infra.smtp_sink --port 1025 --maildir DIR``.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import mailbox
import signal
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session


class MaildirHandler:
    def __init__(self, maildir: Path) -> None:
        self.box = mailbox.Maildir(maildir, create=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
        message["X-Agora-Mail-From"] = str(envelope.mail_from)
        message["X-Agora-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        self.box.add(message)
        return "250 Message accepted for delivery"


def _accept_any_login(*_: Any) -> AuthResult:
    # A test sink: whatever credentials a mail adapter is configured with are fine.
    return AuthResult(success=True)


async def serve(host: str, port: int, maildir: Path) -> None:
    handler = MaildirHandler(maildir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            hostname="agora-smtp-sink",
            authenticator=_accept_any_login,
            auth_require_tls=False,
        ),
        host,
        port,
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"SMTP sink on {host}:{port}, keeping mail in {maildir}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.maildir))


if __name__ == "__main__":
    main()
