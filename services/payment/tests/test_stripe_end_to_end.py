"""The payment service on the Stripe provider against localstripe, end to end: the
service listens on a real port, localstripe charges, declines and refunds, and sends
its signed webhooks to ``/payments/webhooks/stripe``, where each is taken once and
changes nothing the confirmation already recorded."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.common import Money
from agora_contracts.order import PaymentRequested
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.fixtures import free_port
from agora_kit.testing.tokens import Keys
from agora_payment.adapters.stripe import StripeProvider
from agora_payment.app import create_app
from agora_payment.models import WebhookEvent
from agora_payment.settings import Settings
from agora_payment_testing import keyed, ledger_balances
from agora_tools.pytest_plugin import LocalStripeServer

pytestmark = pytest.mark.integration


@dataclass
class Service:
    app: FastAPI
    client: httpx.AsyncClient


@pytest.fixture
async def service(
    settings: Settings, keys: Keys, localstripe_server: LocalStripeServer
) -> AsyncIterator[Service]:
    transport = InProcessTransport(settings.common.events_database_url, poll_seconds=0.1)
    await transport.start()
    provider = StripeProvider(localstripe_server.api_key, api_base=localstripe_server.url)
    app = create_app(settings, transport=transport, provider=provider)
    app.state.jwks_verifier = keys.verifier()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    # localstripe sends its events for payment intents to this service, signed with
    # the service's secret, as a Stripe webhook endpoint is configured.
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        configured = await client.post(
            f"{localstripe_server.url}/_config/webhooks/agora-{uuid.uuid4().hex[:8]}",
            data={
                "url": f"{base}/api/v1/payments/webhooks/stripe",
                "secret": settings.stripe_webhook_secret.get_secret_value(),
                "events[]": ["payment_intent.succeeded", "payment_intent.payment_failed"],
            },
        )
        assert configured.status_code == 200, configured.text
        yield Service(app, client)
    server.should_exit = True
    await serving
    await transport.close()


async def intent(service: Service) -> tuple[uuid.UUID, str]:
    buyer_id, order_id = uuid.uuid4(), uuid.uuid4()
    await deliver(
        service.app,
        PaymentRequested(
            order_id=order_id, buyer_id=buyer_id, amount=Money(amount=4200, currency="EUR")
        ),
        str(order_id),
    )
    [created] = [
        e
        for e in await outbox_events(service.app, "agora.payment.payment.intent_created.v1")
        if e["data"]["order_id"] == str(order_id)
    ]
    return buyer_id, str(created["data"]["payment_id"])


async def webhooks_received(app: FastAPI, kind: str, count: int) -> list[Any]:
    for _ in range(100):
        async with app.state.database.transaction() as session:
            rows = list(
                await session.scalars(select(WebhookEvent).where(WebhookEvent.type == kind))
            )
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"{count} {kind} webhook(s) not received")


async def test_visa_charged_and_the_webhook_taken_once(service: Service, keys: Keys) -> None:
    buyer_id, payment_id = await intent(service)
    paid = await service.client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(buyer_id)),
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "succeeded"
    await webhooks_received(service.app, "payment_intent.succeeded", 1)
    assert len(await outbox_events(service.app, "agora.payment.payment.succeeded.v1")) == 1
    assert await ledger_balances(service.app) == {
        "provider_balance": 4200,
        "buyer_payments": -4200,
    }
    admin = keys.headers(uuid.uuid4(), ("admin",))
    refunded = await service.client.post(
        f"/api/v1/admin/payments/{payment_id}/refund", json={"amount": 1200}, headers=keyed(admin)
    )
    assert refunded.status_code == 202, refunded.text
    too_much = await service.client.post(
        f"/api/v1/admin/payments/{payment_id}/refund", json={"amount": 3001}, headers=keyed(admin)
    )
    assert too_much.status_code == 409
    assert await ledger_balances(service.app) == {
        "provider_balance": 3000,
        "buyer_payments": -3000,
    }


async def test_a_decline_and_its_webhook_fail_the_payment_once(
    service: Service, keys: Keys
) -> None:
    buyer_id, payment_id = await intent(service)
    declined = await service.client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        # localstripe's declining test card (it knows no pm_card_chargeDeclined).
        json={"payment_method": "pm_card_chargeCustomerFail"},
        headers=keyed(keys.headers(buyer_id)),
    )
    assert declined.status_code == 402, declined.text
    await webhooks_received(service.app, "payment_intent.payment_failed", 1)
    [failed] = await outbox_events(service.app, "agora.payment.payment.failed.v1")
    assert failed["data"]["reason"] == "Your card was declined."
    assert await ledger_balances(service.app) == {}
