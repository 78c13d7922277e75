"""The gateway journeys the e2e workflow runs on kind (`agora-ops journeys`), run here
against the native distributed fleet, with mail read from the SMTP sink: so the e2e
job runs code that already passed."""

from __future__ import annotations

import email.message

import pytest

from agora_tools import journeys
from agora_tools.deploy_testing import Fleet
from agora_tools.pytest_plugin import SmtpServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def body(message: email.message.Message) -> str:
    texts = []
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if part.get_content_maintype() == "text" and isinstance(payload, bytes):
            texts.append(payload.decode("utf-8", "replace"))
    return "".join(texts)


def test_every_journey_passes_through_the_gateway(fleet: Fleet, smtp_server: SmtpServer) -> None:
    def read_mail(address: str) -> str | None:
        mails = [m for m in smtp_server.messages() if address in str(m["X-Agora-Rcpt-To"])]
        return body(mails[-1]) if mails else None

    done = journeys.run_all(fleet.gateway, read_mail)
    assert done == ["gateway ready", "register", "verify e-mail", "log in", "browse the catalog"]
