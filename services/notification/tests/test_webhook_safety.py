"""Webhooks that cannot be turned against the inside of the network, that give up and
tell their owner, and whose secret rotates without a missed delivery: against a real
HTTP receiver, signatures verified with the ``standardwebhooks`` library."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from standardwebhooks.webhooks import WebhookVerificationError

from agora_kit.auth import ROLE_ADMIN
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.settings import CommonSettings
from agora_kit.testing.apps import asgi_client, running
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually
from agora_notification.adapters.webhooks import WebhookClient, headers_for
from agora_notification.app import create_app
from agora_notification.service.context import NotificationContext
from agora_notification.service.webhooks.worker import backoff_seconds
from agora_notification.settings import Settings
from agora_notification_testing import Notifications, confirmed, quick_settings
from agora_notification_testing.webhooks import ENDLESS, receiver
from agora_tools.pytest_plugin import SmtpServer

API = "/api/v1/webhooks"
REAL_SECRET = "a-real-production-secret-of-enough-length-0123456789"


@pytest.fixture
def with_settings(
    notification_url: str,
    events_url: str,
    smtp_server: SmtpServer,
    keys: Keys,
    transport: InProcessTransport,
) -> Any:
    """The notification app with these settings' overrides, and a client of it."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Notifications]:
        settings = quick_settings(
            notification_url, events_url, smtp=(smtp_server.host, smtp_server.port), **overrides
        )
        async with (
            running(create_app(settings, transport=transport), keys) as app,
            asgi_client(app, "http://notification.test") as client,
        ):
            yield Notifications(app, client, keys)

    return start


def admin_headers(service: Notifications, user_id: uuid.UUID | None = None) -> dict[str, str]:
    token = service.keys.token(user_id or uuid.uuid4(), (ROLE_ADMIN,))
    return {"Authorization": f"Bearer {token}"}


async def test_private_addresses_are_refused_unless_allowed(with_settings: Any) -> None:
    async with with_settings(webhook_allow_private_addresses=False) as service:
        admin = admin_headers(service)
        with receiver() as hook:
            for url in (
                hook.url,
                "http://localhost/hooks",
                "http://10.0.0.7/hooks",
                "http://192.168.1.1/hooks",
                "http://169.254.169.254/latest/meta-data",
                "http://0.0.0.0/hooks",
                "http://[::1]/hooks",
                "http://[::ffff:127.0.0.1]/hooks",
                "http://[fd00::1]/hooks",
                "http://224.0.0.1/hooks",
                "https://user:pass@example.com/hooks",
            ):
                answer = await service.client.post(
                    API, json={"url": url, "events": ["order.confirmed"]}, headers=admin
                )
                assert answer.status_code == 422, (url, answer.text)
                assert answer.json()["type"] == "https://agora.dev/problems/webhook-url-refused"

            # Checked again when sending: an address that was allowed is not reached.
            client = WebhookClient(allow_private=False, timeout_seconds=2, max_response_bytes=10)
            try:
                answer_at_delivery = await client.post(hook.url, b"{}", {})
            finally:
                await client.aclose()
            assert answer_at_delivery.status is None
            assert answer_at_delivery.error is not None
            assert "non-public address" in answer_at_delivery.error
            assert hook.received == []


def test_production_refuses_private_addresses() -> None:
    common = CommonSettings(
        environment="production", service_token=REAL_SECRET, mail_token_key=REAL_SECRET
    )
    with pytest.raises(ValidationError, match="ALLOW_PRIVATE_ADDRESSES"):
        Settings(common=common, secret_key=REAL_SECRET, webhook_allow_private_addresses=True)
    assert not Settings(common=common, secret_key=REAL_SECRET).webhook_allow_private_addresses


async def test_redirects_are_not_followed_and_answers_are_capped() -> None:
    with receiver(script=[307, ENDLESS]) as hook:
        client = WebhookClient(allow_private=True, timeout_seconds=5, max_response_bytes=16)
        try:
            answer = await client.post(hook.url, b"{}", headers_for([], "msg_1", 1, b"{}"))
            assert answer.status == 307
            assert not answer.succeeded
            assert len(hook.received) == 1
            # A body that does not end: read up to the cap, then hung up on, well
            # before the timeout (without the cap this attempt times out).
            endless = await client.post(hook.url, b"{}", headers_for([], "msg_2", 1, b"{}"))
        finally:
            await client.aclose()
        assert endless.status == 200
        assert endless.succeeded
        assert endless.latency_ms < 2000


def test_backoff_has_full_jitter_and_a_cap(settings: Settings) -> None:
    assert backoff_seconds(settings, 1, jitter=0.0) == 0.0
    assert backoff_seconds(settings, 1, jitter=1.0) == pytest.approx(0.05)
    assert backoff_seconds(settings, 3, jitter=1.0) == pytest.approx(0.2)
    assert backoff_seconds(settings, 30, jitter=0.5) == pytest.approx(0.1)
    defaults = Settings()
    waits = [backoff_seconds(defaults, n, jitter=1.0) for n in range(1, 40)]
    assert waits[0] == 10.0
    assert max(waits) == 6 * 3600.0


async def test_an_endpoint_failing_again_and_again_is_disabled_and_its_owner_told(
    with_settings: Any,
) -> None:
    async with with_settings(webhook_disable_after_failures=3) as service:
        owner = await service.person()
        admin = admin_headers(service, owner.id)
        buyer = await service.person()
        with receiver(script=[500] * 3) as hook:
            created = (
                await service.client.post(
                    API, json={"url": hook.url, "events": ["order.confirmed"]}, headers=admin
                )
            ).json()
            await service.deliver(confirmed(buyer))

            async def endpoint() -> dict[str, Any]:
                found: dict[str, Any] = (
                    await service.client.get(f"{API}/{created['id']}", headers=admin)
                ).json()
                return found

            off = await eventually(endpoint, lambda e: e["active"] is False)
            assert off["disabled_reason"] == "3 deliveries in a row failed"
            assert hook.answered == [500, 500, 500]
            # By e-mail: the SMTP server accepted it (the sink's Maildir lags under load).
            [mail] = await eventually(
                lambda: service.deliveries(owner.id, "webhook_disabled"),
                lambda rows: len(rows) == 1 and rows[0]["status"] == "sent",
            )
            assert mail["channel"] == "email"
            assert mail["subject"] == f"Webhook endpoint disabled: {hook.url}"
            feed = await service.feed(owner)
            assert feed["items"][0]["kind"] == "webhook_disabled"
            assert feed["items"][0]["data"] == {"webhook_id": created["id"], "failures": 3}
            metrics = (await service.client.get("/metrics")).text
            of_service = 'service="notification"'
            disabled = f"agora_notification_webhook_endpoints_disabled_total{{{of_service}}} 1.0"
            failed = (
                f'agora_notification_webhook_attempts_total{{outcome="failed",{of_service}}} 3.0'
            )
            assert disabled in metrics
            assert failed in metrics
            [waiting] = await service.query("SELECT status FROM webhook_deliveries")
            assert waiting["status"] == "pending", "kept for when the owner turns it on"

            # Turned back on, what waited goes out.
            on = await service.client.patch(
                f"{API}/{created['id']}", json={"active": True}, headers=admin
            )
            assert on.status_code == 200
            assert on.json()["consecutive_failures"] == 0
            await eventually(lambda: _answered(hook), lambda n: n == [500, 500, 500, 204])


async def _answered(hook: Any) -> list[int]:
    answered: list[int] = list(hook.answered)
    return answered


async def test_a_delivery_failing_for_the_whole_window_is_given_up(with_settings: Any) -> None:
    async with with_settings(webhook_retry_window_seconds=2.0) as service:
        admin = admin_headers(service)
        buyer = await service.person()
        with receiver(script=[500] * 1000) as hook:
            await service.client.post(
                API, json={"url": hook.url, "events": ["order.confirmed"]}, headers=admin
            )
            await service.deliver(confirmed(buyer))

            async def status() -> dict[str, Any]:
                rows = await service.query(
                    "SELECT status, attempts, next_attempt_at FROM webhook_deliveries"
                )
                assert len(rows) == 1
                row: dict[str, Any] = rows[0]
                return row

            row = await eventually(status, lambda r: r["status"] == "failed")
            assert row["next_attempt_at"] is None
            assert row["attempts"] >= 2
            assert len(hook.received) == row["attempts"]


async def test_a_rotated_secret_keeps_signing_during_the_overlap(with_settings: Any) -> None:
    async with with_settings(webhook_secret_overlap_seconds=120.0) as service:
        admin = admin_headers(service)
        with receiver() as hook:
            created = (
                await service.client.post(
                    API, json={"url": hook.url, "events": ["order.confirmed"]}, headers=admin
                )
            ).json()
            old = created["secret"]
            rotated = await service.client.post(
                f"{API}/{created['id']}/rotate-secret", headers=admin
            )
            assert rotated.status_code == 200, rotated.text
            new = rotated.json()["secret"]
            assert new != old
            assert rotated.json()["previous_secret_expires_at"] is not None

            await service.client.post(f"{API}/{created['id']}/test", headers=admin)
            [during] = await eventually(lambda: _of(hook, 1), lambda r: len(r) == 1)
            assert len(during.headers["webhook-signature"].split(" ")) == 2
            assert during.verify(old)["type"] == "webhook.test"
            assert during.verify(new)["type"] == "webhook.test"

            # The service's clock past the overlap, rather than the test waiting for it:
            # a short overlap could also run out before a slow first delivery signed.
            # (Two minutes ahead stays within the verifier's five minutes' tolerance.)
            context: NotificationContext = service.app.state.context
            context.clock = lambda: datetime.now(UTC) + timedelta(seconds=121)
            await service.client.post(f"{API}/{created['id']}/test", headers=admin)
            after = (await eventually(lambda: _of(hook, 2), lambda r: len(r) == 2))[1]
            assert after.verify(new)["type"] == "webhook.test"
            with pytest.raises(WebhookVerificationError):
                after.verify(old)


async def _of(hook: Any, _: int) -> list[Any]:
    found: list[Any] = hook.of_type("webhook.test")
    return found
