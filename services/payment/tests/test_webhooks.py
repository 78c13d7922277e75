"""Stripe webhooks: Stripe-Signature verified (400 when bad, missing or too old), each
event applied once, and a payment intent's outcome recorded as a confirmation is."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest
import stripe
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.common import Money
from agora_contracts.order import OrderCancelled, PaymentRequested
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_payment.adapters.sandbox import SandboxProvider
from agora_payment.adapters.stripe import StripeProvider
from agora_payment.app import create_app
from agora_payment.models import Payment
from agora_payment.service.errors import BadSignature
from agora_payment.service.webhooks import verify
from agora_payment.settings import Settings
from agora_payment_testing import keyed, ledger_balances
from agora_tools.pytest_plugin import StripeMockServer

HOOK = "/api/v1/payments/webhooks/stripe"


def sign(payload: bytes, secret: str, at: int | None = None) -> str:
    return str(stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, at))


def signed(settings: Settings, event: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    body = json.dumps(event).encode()
    header = sign(body, settings.stripe_webhook_secret.get_secret_value(), at)
    return {
        "content": body,
        "headers": {"Stripe-Signature": header, "Content-Type": "application/json"},
    }


def intent_event(kind: str, intent: dict[str, Any]) -> dict[str, Any]:
    """A Stripe ``payment_intent.<kind>`` event about ``intent``, with an id of its own."""
    return {
        "id": "evt_" + uuid.uuid4().hex,
        "type": f"payment_intent.{kind}",
        "data": {"object": intent},
    }


async def requested(app: FastAPI, order_id: uuid.UUID, buyer_id: uuid.UUID, amount: int) -> None:
    """The order service asks for ``amount`` euro cents for ``order_id``."""
    await deliver(
        app,
        PaymentRequested(
            order_id=order_id, buyer_id=buyer_id, amount=Money(amount=amount, currency="EUR")
        ),
        str(order_id),
    )


async def intent_of(app: FastAPI) -> Payment:
    order_id = uuid.uuid4()
    await requested(app, order_id, uuid.uuid4(), 1200)
    async with app.state.database.transaction() as session:
        payment: Payment | None = await session.scalar(
            select(Payment).where(Payment.order_id == order_id)
        )
    assert payment is not None
    return payment


def test_verify_accepts_good_and_refuses_bad_signatures() -> None:
    body = b'{"id": "evt_1"}'
    good = sign(body, "whsec_test")
    assert verify(body, good, "whsec_test", tolerance=300)["id"] == "evt_1"
    for header in (
        None,
        "",
        "t=1",
        "v1=abc",
        sign(body, "whsec_other"),
        good[:-1] + ("0" if good[-1] != "0" else "1"),
    ):
        with pytest.raises(BadSignature):
            verify(body, header, "whsec_test", tolerance=300)
    with pytest.raises(BadSignature):
        verify(body + b" ", good, "whsec_test", tolerance=300)
    old = sign(body, "whsec_test", int(time.time()) - 301)
    with pytest.raises(BadSignature):
        verify(body, old, "whsec_test", tolerance=300)


def test_verify_accepts_one_valid_signature_of_several_and_refuses_old_ones() -> None:
    body = b'{"id": "evt_2"}'
    now = int(time.time())
    good = sign(body, "whsec_test", now)
    stale = sign(body, "whsec_rotated_out", now)
    both = f"{stale},v1={good.rsplit('v1=', 1)[1]}"
    assert verify(body, both, "whsec_test", tolerance=300)["id"] == "evt_2"
    only_bad = f"{stale},v1={stale.rsplit('v1=', 1)[1][::-1]}"
    with pytest.raises(BadSignature):
        verify(body, only_bad, "whsec_test", tolerance=300)
    too_old = sign(body, "whsec_test", now - 3600)
    with pytest.raises(BadSignature, match="tolerance"):
        verify(body, too_old, "whsec_test", tolerance=300)
    with pytest.raises(BadSignature):
        verify(b"\xff\xfe", sign(b"{}", "whsec_test"), "whsec_test", tolerance=300)


async def test_succeeded_webhook_pays_once(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    payment = await intent_of(app)
    event = intent_event("succeeded", {"id": payment.provider_intent_id, "status": "succeeded"})
    for _ in range(2):
        response = await client.post(HOOK, **signed(settings, event))
        assert response.status_code == 200, response.text
    [paid] = await outbox_events(app, "agora.payment.payment.succeeded.v1")
    assert paid["data"]["amount"] == {"amount": 1200, "currency": "EUR"}
    assert await ledger_balances(app) == {"provider_balance": 1200, "buyer_payments": -1200}


async def test_failed_webhook_fails_the_payment(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    payment = await intent_of(app)
    event = intent_event(
        "payment_failed",
        {
            "id": payment.provider_intent_id,
            "last_payment_error": {"code": "card_declined", "decline_code": "generic_decline"},
        },
    )
    assert (await client.post(HOOK, **signed(settings, event))).status_code == 200
    [failed] = await outbox_events(app, "agora.payment.payment.failed.v1")
    assert failed["data"]["reason"] == "Your card was declined."
    assert failed["data"]["failure_code"] == "generic_decline"


async def test_bad_or_old_signature_is_400_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    payment = await intent_of(app)
    event = intent_event("succeeded", {"id": payment.provider_intent_id})
    old = signed(settings, event, int(time.time()) - 3600)
    assert (await client.post(HOOK, **old)).status_code == 400
    forged = signed(settings, event)
    forged["headers"]["Stripe-Signature"] = sign(forged["content"], "whsec_attacker")
    response = await client.post(HOOK, **forged)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.post(HOOK, content=forged["content"])).status_code == 400
    assert await outbox_events(app, "agora.payment.payment.succeeded.v1") == []


async def test_a_charge_reported_after_cancellation_is_recorded_for_the_refund(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    # The order timed out while the charge was in flight; Stripe then reports it
    # succeeded. The money moved, so the charge is booked and published: the order
    # service, seeing the order cancelled, asks for it back.
    payment = await intent_of(app)
    await deliver(
        app,
        OrderCancelled(order_id=payment.order_id, reason="The payment did not arrive in time."),
        str(payment.order_id),
    )
    event = intent_event("succeeded", {"id": payment.provider_intent_id, "status": "succeeded"})
    assert (await client.post(HOOK, **signed(settings, event))).status_code == 200
    [paid] = await outbox_events(app, "agora.payment.payment.succeeded.v1")
    assert paid["data"]["order_id"] == str(payment.order_id)
    assert await ledger_balances(app) == {"provider_balance": 1200, "buyer_payments": -1200}
    failed = intent_event("payment_failed", {"id": payment.provider_intent_id})
    assert (await client.post(HOOK, **signed(settings, failed))).status_code == 200
    assert await outbox_events(app, "agora.payment.payment.failed.v1") == []


async def test_stripe_confirm_that_is_not_final_waits_for_the_webhook(
    settings: Settings, keys: Keys, stripe_mock_server: StripeMockServer
) -> None:
    # stripe-mock checks the requests and answers a canned intent that has neither
    # succeeded nor failed: the payment is processing until Stripe's webhook says.
    transport = InProcessTransport(settings.common.events_database_url, poll_seconds=0.1)
    await transport.start()
    provider = StripeProvider(stripe_mock_server.api_key, api_base=stripe_mock_server.url)
    app = create_app(settings, transport=transport, provider=provider)
    app.state.jwks_verifier = keys.verifier()
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as client,
    ):
        buyer_id = uuid.uuid4()
        order_id = uuid.uuid4()
        await requested(app, order_id, buyer_id, 1200)
        [intent] = await outbox_events(app, "agora.payment.payment.intent_created.v1")
        payment_id = intent["data"]["payment_id"]
        url = f"/api/v1/payments/{payment_id}/confirm"
        for _ in range(2):  # a double click changes nothing
            confirmed = await client.post(
                url, json={"payment_method": "pm_card_visa"}, headers=keyed(keys.headers(buyer_id))
            )
            assert confirmed.status_code == 200, confirmed.text
            assert confirmed.json()["status"] == "processing"
        assert await outbox_events(app, "agora.payment.payment.succeeded.v1") == []
        async with app.state.database.transaction() as session:
            payment = await session.get(Payment, uuid.UUID(payment_id))
        assert payment is not None
        event = intent_event("succeeded", {"id": payment.provider_intent_id, "status": "succeeded"})
        assert (await client.post(HOOK, **signed(settings, event))).status_code == 200
        [paid] = await outbox_events(app, "agora.payment.payment.succeeded.v1")
        assert paid["data"]["payment_id"] == payment_id
        assert await ledger_balances(app) == {"provider_balance": 1200, "buyer_payments": -1200}
    await transport.close()


async def test_an_outcome_before_its_payment_is_recorded_is_asked_again(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    """With a payment method given at checkout, the intent is created and confirmed in
    one transaction; Stripe may report the outcome before it commits. The webhook is
    then answered 503, so Stripe sends it again, instead of being lost."""
    order_id = uuid.uuid4()
    event = intent_event(
        "succeeded",
        {
            "id": await intent_id_for(order_id),
            "status": "succeeded",
            "metadata": {"order_id": str(order_id)},
        },
    )
    early = await client.post(HOOK, **signed(settings, event))
    assert early.status_code == 503, early.text
    assert early.headers["content-type"] == "application/problem+json"
    await requested(app, order_id, uuid.uuid4(), 900)
    again = await client.post(HOOK, **signed(settings, event))
    assert again.status_code == 200, again.text
    [paid] = await outbox_events(app, "agora.payment.payment.succeeded.v1")
    assert paid["data"]["order_id"] == str(order_id)

    # An intent that is not an Agora order's is acknowledged and ignored.
    stranger = {**event, "id": "evt_" + uuid.uuid4().hex}
    stranger["data"] = {"object": {"id": "pi_elsewhere", "status": "succeeded"}}
    assert (await client.post(HOOK, **signed(settings, stranger))).status_code == 200


async def intent_id_for(order_id: uuid.UUID) -> str:
    """The sandbox's intent id for an order (derived from its idempotency key)."""
    intent = await SandboxProvider().create_intent(
        amount=1, currency="EUR", idempotency_key=f"order-{order_id}", metadata={}
    )
    return intent.id
