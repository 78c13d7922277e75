"""The business metrics (docs/operations/metrics.md): payment attempts by provider and
outcome, from the buyer's confirmation and from the provider's webhook, and refunds,
each counted once, and only when the work commits."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
import stripe
from fastapi import FastAPI

from agora_contracts.common import Money
from agora_contracts.order import RefundRequested
from agora_kit.testing.events import deliver
from agora_kit.testing.tokens import Keys
from agora_payment.adapters.provider import Confirmation
from agora_payment.adapters.sandbox import SandboxProvider
from agora_payment.service import payments
from agora_payment.settings import Settings
from agora_payment_testing import keyed, requested_intent


def attempts(app: FastAPI, outcome: str) -> float:
    registry = app.state.runtime.metrics.registry
    labels = {"service": "payment", "provider": "sandbox", "outcome": outcome}
    return registry.get_sample_value("agora_payment_attempts_total", labels) or 0.0


def refunds(app: FastAPI, currency: str = "USD") -> float:
    registry = app.state.runtime.metrics.registry
    labels = {"service": "payment", "provider": "sandbox", "currency": currency}
    return registry.get_sample_value("agora_payment_refunds_total", labels) or 0.0


async def confirm(
    client: httpx.AsyncClient, keys: Keys, buyer_id: uuid.UUID, payment_id: str, method: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        json={"payment_method": method},
        headers=keyed(keys.headers(buyer_id)),
    )


async def test_confirmations_count_by_outcome(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    paid = await requested_intent(app, buyer_id)
    for _ in range(2):  # a double click is one attempt
        response = await confirm(client, keys, buyer_id, paid["payment_id"], "pm_card_visa")
        assert response.status_code == 200
    assert attempts(app, "succeeded") == 1

    declined = await requested_intent(app, buyer_id)
    response = await confirm(
        client, keys, buyer_id, declined["payment_id"], "pm_card_chargeDeclined"
    )
    assert response.status_code == 402
    assert attempts(app, "declined") == 1

    # Authentication asked for settles nothing yet; the next card does.
    later = await requested_intent(app, buyer_id)
    response = await confirm(
        client, keys, buyer_id, later["payment_id"], "pm_card_authenticationRequired"
    )
    assert response.json()["status"] == "requires_action"
    assert attempts(app, "succeeded") == 1
    await confirm(client, keys, buyer_id, later["payment_id"], "pm_card_visa")
    assert attempts(app, "succeeded") == 2

    unusable = await requested_intent(app, buyer_id)
    response = await confirm(client, keys, buyer_id, unusable["payment_id"], "card_visa")
    assert response.status_code == 402
    assert attempts(app, "failed") == 1
    assert attempts(app, "declined") == 1

    exposed = (await client.get("/metrics")).text
    assert (
        'agora_payment_attempts_total{outcome="declined",provider="sandbox",service="payment"} 1.0'
        in exposed
    )


async def test_a_fraud_refusal_counts_as_declined(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    big = await requested_intent(app, buyer_id, amount=1_000_001)
    response = await confirm(client, keys, buyer_id, big["payment_id"], "pm_card_visa")
    assert response.status_code == 402
    assert attempts(app, "declined") == 1
    assert attempts(app, "succeeded") == attempts(app, "failed") == 0


def signed(settings: Settings, event: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(event).encode()
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode(), settings.stripe_webhook_secret.get_secret_value()
    )
    return {
        "content": body,
        "headers": {"Stripe-Signature": header, "Content-Type": "application/json"},
    }


async def test_webhook_outcomes_count_once(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    async def report(payment_id: str, kind: str, obj: dict[str, Any]) -> None:
        async with app.state.database.transaction() as session:
            payment = await payments.locked(session, uuid.UUID(payment_id))
            assert payment is not None
            intent_id = payment.provider_intent_id
        event = {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": kind,
            "data": {"object": {"id": intent_id, **obj}},
        }
        for _ in range(2):  # Stripe delivers again: applied once
            response = await client.post(
                "/api/v1/payments/webhooks/stripe", **signed(settings, event)
            )
            assert response.status_code == 200, response.text

    paid = await requested_intent(app, uuid.uuid4())
    await report(paid["payment_id"], "payment_intent.succeeded", {"status": "succeeded"})
    assert attempts(app, "succeeded") == 1

    declined = await requested_intent(app, uuid.uuid4())
    error = {"code": "card_declined", "decline_code": "insufficient_funds"}
    await report(
        declined["payment_id"], "payment_intent.payment_failed", {"last_payment_error": error}
    )
    assert attempts(app, "declined") == 1

    failed = await requested_intent(app, uuid.uuid4())
    await report(failed["payment_id"], "payment_intent.payment_failed", {})
    assert attempts(app, "failed") == 1
    # A late report on a settled payment changes nothing, and counts nothing.
    await report(paid["payment_id"], "payment_intent.payment_failed", {})
    assert (attempts(app, "succeeded"), attempts(app, "declined"), attempts(app, "failed")) == (
        1,
        1,
        1,
    )


class ProviderDown(Exception):
    pass


class Unreachable(SandboxProvider):
    async def confirm(
        self, intent_id: str, *, payment_method: str, idempotency_key: str
    ) -> Confirmation:
        raise ProviderDown("timed out")


class RolledBack(Exception):
    pass


async def confirm_then_roll_back(app: FastAPI, payment_id: str, provider: SandboxProvider) -> None:
    """Confirm with ``provider`` in a transaction that fails after, if not before."""
    async with app.state.database.transaction() as session:
        payment = await payments.locked(session, uuid.UUID(payment_id))
        assert payment is not None
        await payments.confirm(session, app.state.outbox, provider, payment, "pm_card_visa")
        assert payment.status == payments.SUCCEEDED
        raise RolledBack


async def test_a_provider_error_counts_as_failed_and_a_rollback_as_nothing(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    ids = await requested_intent(app, buyer_id)

    # The provider did not answer: the attempt was made, the transaction rolls back.
    with pytest.raises(ProviderDown):
        await confirm_then_roll_back(app, ids["payment_id"], Unreachable())
    assert attempts(app, "failed") == 1

    # A success recorded in a transaction that then rolls back counts nothing.
    with pytest.raises(RolledBack):
        await confirm_then_roll_back(app, ids["payment_id"], SandboxProvider())
    assert attempts(app, "succeeded") == 0

    response = await confirm(client, keys, buyer_id, ids["payment_id"], "pm_card_visa")
    assert response.json()["status"] == "succeeded"
    assert attempts(app, "succeeded") == 1


async def test_refunds_count_by_provider_and_currency(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    buyer_id = uuid.uuid4()
    ids = await requested_intent(app, buyer_id, amount=5000)
    await confirm(client, keys, buyer_id, ids["payment_id"], "pm_card_visa")
    refund = f"/api/v1/admin/payments/{ids['payment_id']}/refund"
    assert (
        await client.post(refund, json={"amount": 1500}, headers=keyed(admin))
    ).status_code == 202
    assert (
        await client.post(refund, json={"amount": 9999}, headers=keyed(admin))
    ).status_code == 409
    assert refunds(app) == 1

    ask = RefundRequested(
        order_id=uuid.UUID(ids["order_id"]),
        buyer_id=buyer_id,
        amount=Money(amount=3500, currency="USD"),
        request_id=uuid.uuid4(),
        reason="You cancelled the order.",
    )
    await deliver(app, ask, ids["order_id"])
    await deliver(app, ask, ids["order_id"])  # the same request again: refunded once
    assert refunds(app) == 2
    assert (await client.post(refund, json={}, headers=keyed(admin))).status_code == 409  # all back
    assert refunds(app) == 2
