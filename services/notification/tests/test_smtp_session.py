"""The SMTP sender's session against a server that stops answering in the middle of a
mail: a shutdown that cancels the send must not wait out the SMTP timeout."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from agora_kit.testing.fixtures import free_port
from agora_notification.adapters.base import Outgoing
from agora_notification.adapters.email import SmtpSender
from agora_notification.settings import Settings

MIME = "Subject: hi\r\nFrom: shop@example.com\r\nTo: buyer@example.com\r\n\r\nHello\r\n"


class Stalling:
    """A real SMTP server whose answer to the end of the mail never comes."""

    def __init__(self) -> None:
        self.reading = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.reading.set()
        await asyncio.sleep(3600)
        return "250 OK"


async def test_a_send_cancelled_while_the_server_holds_the_mail_stops_at_once(
    settings: Settings,
) -> None:
    handler = Stalling()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        sender = SmtpSender(
            settings.model_copy(
                update={
                    "smtp_host": "127.0.0.1",
                    "smtp_port": controller.port,
                    "smtp_security": "none",
                    "smtp_username": None,
                    "smtp_password": None,
                    "smtp_timeout_seconds": 30.0,
                }
            )
        )
        send = asyncio.create_task(
            sender.send(Outgoing("d-1", "email", "buyer@example.com", "hi", content={"mime": MIME}))
        )
        assert await asyncio.to_thread(handler.reading.wait, 10)
        cancelled_at = time.monotonic()
        send.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await send
        stopped_after = time.monotonic() - cancelled_at
    finally:
        controller.stop()
    assert send.cancelled()
    # aiosmtplib.send's exit said QUIT and waited up to the 30 s timeout for an answer.
    assert stopped_after < 5
