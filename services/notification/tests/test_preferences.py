"""Preferences per category and channel, one-click unsubscribe, and the mail that cannot
be switched off."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from agora_contracts.order import OrderShipped
from agora_contracts.user import PasswordResetRequested
from agora_kit.testing.waiting import eventually
from agora_notification.service.unsubscribe import UnsubscribeTokens
from agora_notification_testing import (
    Mailbox,
    Notifications,
    Person,
    confirmed,
    text_part,
)


def reset_requested(service: Notifications, person: Person) -> PasswordResetRequested:
    return PasswordResetRequested(
        user_id=person.id,
        email=person.email,
        full_name="Ada Lovelace",
        sealed_token=service.seal("reset-" + uuid.uuid4().hex),
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )


def token_of(list_unsubscribe: str) -> str:
    url = list_unsubscribe.strip("<>")
    [token] = parse_qs(urlparse(url).query)["token"]
    return token


async def test_defaults_and_changes(service: Notifications) -> None:
    person = await service.person()
    answer = await service.client.get("/api/v1/notifications/preferences", headers=person.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["preferences"]["orders"] == {
        "email": True,
        "sms": False,
        "push": True,
        "in_app": True,
    }
    assert body["preferences"]["marketing"]["email"] is False
    assert body["locked"] == [{"category": "account", "channel": "email"}]

    changed = await service.client.put(
        "/api/v1/notifications/preferences",
        headers=person.headers,
        json={"preferences": {"orders": {"sms": True}, "marketing": {"email": True}}},
    )
    assert changed.status_code == 200, changed.text
    prefs = changed.json()["preferences"]
    assert prefs["orders"]["sms"] is True
    assert prefs["orders"]["email"] is True  # left out: unchanged
    assert prefs["marketing"]["email"] is True
    again = await service.client.get("/api/v1/notifications/preferences", headers=person.headers)
    assert again.json()["preferences"] == prefs


async def test_security_mail_cannot_be_switched_off(service: Notifications) -> None:
    person = await service.person()
    answer = await service.client.put(
        "/api/v1/notifications/preferences",
        headers=person.headers,
        json={"preferences": {"account": {"email": False}, "orders": {"email": False}}},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["name"] for e in answer.json()["errors"]] == ["body.preferences.account.email"]
    # Nothing of the refused request was saved.
    prefs = (
        await service.client.get("/api/v1/notifications/preferences", headers=person.headers)
    ).json()["preferences"]
    assert prefs["orders"]["email"] is True

    unknown = await service.client.put(
        "/api/v1/notifications/preferences",
        headers=person.headers,
        json={"preferences": {"newsletters": {"email": False}}},
    )
    assert unknown.status_code == 422


async def test_an_unsubscribed_category_sends_nothing_by_mail_but_security_mail_goes_out(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    await service.deliver(confirmed(buyer))
    [receipt] = await mailbox.wait(buyer.email)

    # The one-click link of the mail (a GET from the mail, or the RFC 8058 POST).
    token = token_of(receipt["List-Unsubscribe"])
    answer = await service.client.post(
        "/api/v1/notifications/unsubscribe",
        params={"token": token},
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"category": "orders", "channel": "email", "subscribed": False}

    await service.deliver(confirmed(buyer))  # another order: no mail
    await service.deliver(reset_requested(service, buyer))  # security mail: still sent
    mails = {m["Subject"]: m for m in await mailbox.wait(buyer.email, 2)}
    assert sorted(mails) == ["Reset your Agora password", "Your Agora order AG-1042 is confirmed"]
    reset = text_part(mails["Reset your Agora password"])
    assert "http://shop.test/reset-password?token=reset-" in reset
    # The second order still reached the feed, and nothing was queued by mail for it.
    feed = await service.feed(buyer)
    assert [e["kind"] for e in feed["items"]].count("order_confirmed") == 2
    emails = [
        d for d in await service.deliveries(buyer.id, "order_confirmed") if d["channel"] == "email"
    ]
    assert len(emails) == 1


async def test_the_unsubscribe_link_works_in_a_browser(service: Notifications) -> None:
    person = await service.person()
    token = service.app.state.context.unsubscribe.issue(person.id, "orders", "email")
    page = await service.client.get(
        "/api/v1/notifications/unsubscribe",
        params={"token": token},
        headers={"accept": "text/html,application/xhtml+xml"},
    )
    assert page.status_code == 200
    assert "You are unsubscribed" in page.text
    prefs = (
        await service.client.get("/api/v1/notifications/preferences", headers=person.headers)
    ).json()["preferences"]
    assert prefs["orders"]["email"] is False


async def test_a_forged_unsubscribe_token_is_refused(service: Notifications) -> None:
    person = await service.person()
    genuine = service.app.state.context.unsubscribe.issue(person.id, "orders", "email")
    forged_elsewhere = UnsubscribeTokens("another-secret-key-of-at-least-32-chars").issue(
        person.id, "orders", "email"
    )
    payload, signature = genuine.split(".")
    # The same signature on another user's payload, and the account category.
    other = service.app.state.context.unsubscribe.issue(uuid.uuid4(), "orders", "email")
    swapped = f"{other.split('.')[0]}.{signature}"
    for token in (forged_elsewhere, swapped, payload, "not-a-token", f"{payload}.AAAA"):
        answer = await service.client.get(
            "/api/v1/notifications/unsubscribe", params={"token": token}
        )
        assert answer.status_code == 400, token
        assert answer.json()["type"] == "https://agora.dev/problems/invalid-unsubscribe-token"
    prefs = (
        await service.client.get("/api/v1/notifications/preferences", headers=person.headers)
    ).json()["preferences"]
    assert prefs["orders"]["email"] is True


async def test_switching_the_feed_off_keeps_notifications_out_of_it(
    service: Notifications, mailbox: Mailbox
) -> None:
    buyer = await service.person()
    await service.client.put(
        "/api/v1/notifications/preferences",
        headers=buyer.headers,
        json={"preferences": {"orders": {"in_app": False}}},
    )
    await service.deliver(confirmed(buyer))
    await mailbox.wait(buyer.email)  # still mailed
    feed = await service.feed(buyer)
    assert [e["kind"] for e in feed["items"]] == ["welcome"]


async def test_sms_goes_out_once_enabled_and_only_where_a_number_is_known(
    service: Notifications,
) -> None:
    with_phone = await service.person(phone="+447700900123")
    without = await service.person()
    for person in (with_phone, without):
        await service.client.put(
            "/api/v1/notifications/preferences",
            headers=person.headers,
            json={"preferences": {"orders": {"sms": True}}},
        )
        await service.deliver(shipped(person))

    async def sms_of(person: Person) -> list[dict[str, object]]:
        rows = await service.deliveries(person.id, "order_shipped")
        return [r for r in rows if r["channel"] == "sms"]

    [sent] = await eventually(
        lambda: sms_of(with_phone), lambda r: bool(r) and r[0]["status"] == "sent"
    )
    assert sent["status"] == "sent"
    assert sent["recipient"] == "+447700900123"
    [skipped] = await sms_of(without)
    assert skipped["status"] == "skipped"
    assert skipped["last_error"] == "no sms address known"


def shipped(person: Person) -> OrderShipped:
    return OrderShipped(
        order_id=uuid.uuid4(),
        buyer_id=person.id,
        carrier="DHL",
        tracking_number="JD0146",
    )
