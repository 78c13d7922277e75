"""Fraud rules: too many declines in an hour, or too large an amount, is refused like
a decline (402, PaymentFailed) without charging."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import time_machine
from fastapi import FastAPI

from agora_kit.testing.events import outbox_events
from agora_kit.testing.tokens import Keys
from agora_payment_testing import keyed, requested_intent


async def test_card_testing_is_stopped_after_five_declines(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    headers = keys.headers(buyer_id)
    for _ in range(5):
        payment_id = (await requested_intent(app, buyer_id))["payment_id"]
        declined = await client.post(
            f"/api/v1/payments/{payment_id}/confirm",
            json={"payment_method": "pm_card_chargeDeclined"},
            headers=keyed(headers),
        )
        assert declined.status_code == 402
    payment_id = (await requested_intent(app, buyer_id))["payment_id"]
    refused = await client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(headers),
    )
    assert refused.status_code == 402
    assert refused.json()["detail"] == "Too many declined payments; please try again later."
    failed = await outbox_events(app, "agora.payment.payment.failed.v1")
    assert failed[-1]["data"]["failure_code"] == "too_many_declines"
    assert await outbox_events(app, "agora.payment.payment.succeeded.v1") == []

    # Another buyer is not affected.
    other = uuid.uuid4()
    other_payment = await requested_intent(app, other)
    fine = await client.post(
        f"/api/v1/payments/{other_payment['payment_id']}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(other)),
    )
    assert fine.status_code == 200


async def test_too_large_an_amount_is_refused(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    payment_id = (await requested_intent(app, buyer_id, amount=1_000_001))["payment_id"]
    refused = await client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers=keyed(keys.headers(buyer_id)),
    )
    assert refused.status_code == 402
    [failed] = await outbox_events(app, "agora.payment.payment.failed.v1")
    assert failed["data"]["failure_code"] == "amount_too_large"


async def test_the_hour_of_declines_is_the_payment_service_s_own_clock(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    """The payment service's clock 2 minutes behind its database's (ADR 0107): declines
    it stamped 59 minutes ago by its own clock still count. Its hour was measured on
    the database's clock against times stamped on its own, so they had dropped out."""
    buyer_id = uuid.uuid4()
    real = datetime.now(UTC)
    with time_machine.travel(real - timedelta(minutes=2 + 59), tick=True):
        for _ in range(5):
            payment_id = (await requested_intent(app, buyer_id))["payment_id"]
            declined = await client.post(
                f"/api/v1/payments/{payment_id}/confirm",
                json={"payment_method": "pm_card_chargeDeclined"},
                headers=keyed(keys.headers(buyer_id)),
            )
            assert declined.status_code == 402
    with time_machine.travel(real - timedelta(minutes=2), tick=True):
        payment_id = (await requested_intent(app, buyer_id))["payment_id"]
        refused = await client.post(
            f"/api/v1/payments/{payment_id}/confirm",
            json={"payment_method": "pm_card_visa"},
            headers=keyed(keys.headers(buyer_id)),
        )
    assert refused.status_code == 402, refused.text
    assert refused.json()["detail"] == "Too many declined payments; please try again later."
