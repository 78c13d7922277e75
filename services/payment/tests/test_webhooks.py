"""Stripe webhooks: Stripe-Signature verified (400 when bad, missing or too old), each
event applied once, and a payment intent's outcome recorded as a confirmation is."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.catalog import Money
from agora_contracts.payment import PaymentRequested
from agora_payment.models import Payment
from agora_payment.service.webhooks import BadSignature, sign, verify
from agora_payment.settings import Settings
from agora_payment.testing import deliver, ledger_balances, outbox_events

HOOK = "/api/v1/payments/webhooks/stripe"


def signed(settings: Settings, event: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    body = json.dumps(event).encode()
    header = sign(body, settings.stripe_webhook_secret.get_secret_value(), at)
    return {
        "content": body,
        "headers": {"Stripe-Signature": header, "Content-Type": "application/json"},
    }


async def intent_of(app: FastAPI) -> Payment:
    order_id = uuid.uuid4()
    await deliver(
        app,
        PaymentRequested(
            order_id=order_id, buyer_id=uuid.uuid4(), amount=Money(amount=1200, currency="EUR")
        ),
        str(order_id),
    )
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


async def test_succeeded_webhook_pays_once(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    payment = await intent_of(app)
    event = {
        "id": "evt_" + uuid.uuid4().hex,
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": payment.provider_intent_id, "status": "succeeded"}},
    }
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
    event = {
        "id": "evt_" + uuid.uuid4().hex,
        "type": "payment_intent.payment_failed",
        "data": {
            "object": {
                "id": payment.provider_intent_id,
                "last_payment_error": {"code": "card_declined", "decline_code": "generic_decline"},
            }
        },
    }
    assert (await client.post(HOOK, **signed(settings, event))).status_code == 200
    [failed] = await outbox_events(app, "agora.payment.payment.failed.v1")
    assert failed["data"]["reason"] == "Your card was declined."
    assert failed["data"]["failure_code"] == "generic_decline"


async def test_bad_or_old_signature_is_400_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    payment = await intent_of(app)
    event = {
        "id": "evt_" + uuid.uuid4().hex,
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": payment.provider_intent_id}},
    }
    old = signed(settings, event, int(time.time()) - 3600)
    assert (await client.post(HOOK, **old)).status_code == 400
    forged = signed(settings, event)
    forged["headers"]["Stripe-Signature"] = sign(forged["content"], "whsec_attacker")
    response = await client.post(HOOK, **forged)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.post(HOOK, content=forged["content"])).status_code == 400
    assert await outbox_events(app, "agora.payment.payment.succeeded.v1") == []
