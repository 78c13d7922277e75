"""An erased buyer in the payment service (ADR 0112): payments, refunds and the ledger
stay; the payment method, the client secret and the buyer's Idempotency-Key answers go;
the buyer still reads the payment; a redelivery changes nothing; the internal export
answers Agora's own parts only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from agora_contracts.user import UserDeleted
from agora_kit.idempotency import idempotency_keys
from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_kit.testing.events import deliver
from agora_kit.testing.tokens import Keys
from agora_payment_testing import ledger_balances, requested_intent


async def test_an_erased_buyers_payments_stay_without_their_card_reference(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    buyer_id = uuid.uuid4()
    buyer = keys.headers(buyer_id)
    payment_id = (await requested_intent(app, buyer_id, 5000))["payment_id"]
    confirmed = await client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers={**buyer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert confirmed.status_code == 200, confirmed.text
    refunded = await client.post(
        f"/api/v1/admin/payments/{payment_id}/refund",
        json={"amount": 1000, "reason": "Late"},
        headers={**admin, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert refunded.status_code == 202, refunded.text

    service = {SERVICE_TOKEN_HEADER: app.state.service_token.decode()}
    path = f"/internal/users/{buyer_id}/export"
    assert (await client.get(path, headers=buyer)).status_code == 403
    exported = (await client.get(path, headers=service)).json()
    [held] = exported["payments"]
    assert (held["id"], held["payment_method"], held["refunded_amount"]) == (
        payment_id,
        "pm_card_visa",
        1000,
    )
    assert [r["amount"] for r in exported["refunds"]] == [1000]
    balances = await ledger_balances(app)

    for _ in range(2):  # delivered twice: the second changes nothing
        await deliver(
            app, UserDeleted(user_id=buyer_id, deleted_at=datetime.now(UTC)), str(buyer_id)
        )

    after = (await client.get(path, headers=service)).json()
    assert after["payments"][0]["payment_method"] is None
    assert {**after["payments"][0], "payment_method": "pm_card_visa"} == held
    assert after["refunds"] == exported["refunds"]
    assert await ledger_balances(app) == balances
    seen = await client.get("/api/v1/payments", headers=buyer)
    assert seen.status_code == 200, seen.text
    [listed] = seen.json()
    assert (listed["id"], listed["status"], listed["client_secret"]) == (
        payment_id,
        "succeeded",
        None,
    )
    async with app.state.database.read() as session:
        keys_left = await session.scalar(
            select(func.count())
            .select_from(idempotency_keys)
            .where(idempotency_keys.c.owner == str(buyer_id))
        )
    assert keys_left == 0
