"""SMS that reach a phone, through the Twilio adapter and a local server standing in
for Twilio (ADR 0117): the verification code texted to the number the user service
names, whatever the SMS preferences, and kept out of the feed; SMS to the verified
number only; a refused send retried through the delivery log; erasure forgets the
number."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from agora_contracts.order import OrderShipped
from agora_contracts.user import PhoneVerificationRequested, PhoneVerified, UserDeleted
from agora_kit.testing.waiting import eventually
from agora_notification.settings import Settings
from agora_notification_testing import Notifications, Person, quick_settings
from agora_notification_testing.providers import Http1Provider, Reply, Request
from agora_tools.pytest_plugin import SmtpServer

SID = "AC" + "1" * 32
NUMBER = "+447700900123"


class Twilio(Http1Provider):
    """Twilio's Messages API; answers 503 as many times as ``failures`` says first."""

    def __init__(self) -> None:
        self.failures = 0
        super().__init__(self._reply)

    def _reply(self, request: Request) -> Reply:
        if self.failures:
            self.failures -= 1
            return Reply(503, {"code": 20503, "message": "Service unavailable"})
        return Reply(201, {"sid": f"SM{uuid.uuid4().hex}", "status": "queued"})

    async def texts(self) -> list[dict[str, str]]:
        return [
            {k: v[0] for k, v in parse_qs(r.body.decode()).items()}
            for r in self.to(f"/2010-04-01/Accounts/{SID}/Messages.json")
        ]


@pytest.fixture
def twilio() -> Iterator[Twilio]:
    server = Twilio()
    yield server
    server.close()


@pytest.fixture
def settings(
    notification_url: str, events_url: str, smtp_server: SmtpServer, twilio: Twilio
) -> Settings:
    return quick_settings(
        notification_url,
        events_url,
        smtp=(smtp_server.host, smtp_server.port),
        sms_provider="twilio",
        twilio_account_sid=SID,
        twilio_auth_token="token",
        twilio_from="+15005550006",
        twilio_base_url=twilio.url,
    )


def code_requested(service: Notifications, person: Person, code: str) -> PhoneVerificationRequested:
    return PhoneVerificationRequested(
        user_id=person.id,
        phone=NUMBER,
        full_name="Ada Lovelace",
        sealed_code=service.seal(code),
        expires_at=datetime.now(UTC) + timedelta(minutes=10),
    )


def shipped(person: Person) -> OrderShipped:
    return OrderShipped(
        order_id=uuid.uuid4(),
        buyer_id=person.id,
        carrier="DHL",
        tracking_number="JD0001",
    )


async def test_the_code_is_texted_then_sms_go_to_the_verified_number(
    service: Notifications, twilio: Twilio
) -> None:
    person = await service.person()
    await service.deliver(code_requested(service, person, "480151"), key=str(person.id))

    [text] = await eventually(twilio.texts, bool)
    assert text["To"] == NUMBER
    assert text["From"] == "+15005550006"
    assert text["Body"].startswith("Agora: 480151 is your code")
    [delivery] = await eventually(
        lambda: service.deliveries(person.id, "verify_phone"),
        lambda rows: bool(rows) and rows[0]["status"] == "sent",
    )
    assert delivery["provider_message_id"].startswith("SM")
    # Once texted, the code is nowhere in the service: not in the delivery, the
    # stored notification or the person's export.
    assert delivery["content"] is None
    [stored] = await service.query(
        "SELECT title, body FROM notifications WHERE user_id = :id AND kind = 'verify_phone'",
        id=person.id,
    )
    assert stored["body"] == stored["title"] == "Your Agora phone verification code"
    assert "480151" not in json.dumps(await service.export(person), default=str)
    # The code is not a feed entry, and the unverified number gets no other SMS.
    assert [i["kind"] for i in (await service.feed(person))["items"]] == ["welcome"]
    [contact] = await service.query("SELECT phone FROM contacts WHERE user_id = :id", id=person.id)
    assert contact["phone"] is None

    await service.deliver(
        PhoneVerified(user_id=person.id, phone=NUMBER, verified_at=datetime.now(UTC)),
        key=str(person.id),
    )
    await service.client.put(
        "/api/v1/notifications/preferences",
        headers=person.headers,
        json={"preferences": {"orders": {"sms": True}}},
    )
    twilio.failures = 1  # Twilio down once: the delivery log retries
    await service.deliver(shipped(person))

    await eventually(
        lambda: service.deliveries(person.id, "order_shipped"),
        lambda rows: any(r["channel"] == "sms" and r["status"] == "sent" for r in rows),
    )
    sms = [r for r in await service.deliveries(person.id, "order_shipped") if r["channel"] == "sms"]
    assert sms[0]["recipient"] == NUMBER
    assert sms[0]["attempts"] == 2
    attempts = await service.query(
        "SELECT outcome, error FROM delivery_attempts WHERE delivery_id = :id ORDER BY attempt",
        id=sms[0]["id"],
    )
    assert [a["outcome"] for a in attempts][-1] == "sent"
    assert "503" in (attempts[0]["error"] or "")
    assert [t["To"] for t in await twilio.texts()][-1] == NUMBER

    await service.deliver(UserDeleted(user_id=person.id, deleted_at=datetime.now(UTC)))
    [contact] = await service.query("SELECT phone FROM contacts WHERE user_id = :id", id=person.id)
    assert contact["phone"] is None
