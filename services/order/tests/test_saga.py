"""The checkout saga driven by the catalog's and the payment service's events: each
step's order state and the events it publishes; duplicates and stale or
out-of-order events change nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from agora_contracts.catalog import (
    InventoryCommitFailed,
    InventoryReleased,
    InventoryReservationFailed,
    InventoryReserved,
    ReservedLine,
    ShortLine,
)
from agora_contracts.common import Money
from agora_contracts.payment import (
    PaymentFailed,
    PaymentIntentCreated,
    PaymentRefunded,
    PaymentSucceeded,
)
from agora_kit.testing.events import deliver, outbox_events, redeliver
from agora_order.models import OrderTransition
from agora_order.service import saga_payment

from .helpers import checkout, fill, order, placed_an_hour_ago, stock

CANCELLED = "agora.order.order.cancelled.v1"
CONFIRMED = "agora.order.order.confirmed.v1"
PAYMENT_REQUESTED = "agora.order.order.payment_requested.v1"
REFUND_REQUESTED = "agora.order.order.refund_requested.v1"
REFUNDED = "agora.order.order.refunded.v1"


async def placed(app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]) -> Any:
    await stock(app, [("P-1", 2000, 5)])
    await fill(client, buyer, ("P-1", 1))
    response = await checkout(client, buyer, payment_method="pm_card_visa")
    assert response.status_code == 202
    return response.json()


def reserved(order_id: str) -> InventoryReserved:
    return InventoryReserved(
        order_id=uuid.UUID(order_id),
        lines=[ReservedLine(sku="P-1", quantity=1)],
        expires_at=datetime.now(UTC) + timedelta(minutes=15),
    )


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


async def awaiting_payment(app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]) -> Any:
    body = await placed(app, client, buyer)
    await deliver(app, reserved(body["id"]), body["id"])
    return await order(client, buyer, body["id"])


async def paid_in_full(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> tuple[Any, uuid.UUID, uuid.UUID, int]:
    """An order paid in full: the order as it was before the payment, its id, the
    payment's id and the total."""
    now = await awaiting_payment(app, client, buyer)
    order_id, payment_id = uuid.UUID(now["id"]), uuid.uuid4()
    total = now["total"]["amount"]
    succeeded = PaymentSucceeded(
        payment_id=payment_id, order_id=order_id, buyer_id=uuid.uuid4(), amount=usd(total)
    )
    await deliver(app, succeeded, now["id"])
    return now, order_id, payment_id, total


async def test_reserved_then_intent_then_paid_confirms(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    body = await placed(app, client, buyer)
    order_id = uuid.UUID(body["id"])
    event = await deliver(app, reserved(body["id"]), body["id"])
    await redeliver(app, reserved(body["id"]), body["id"], event)  # at-least-once
    await deliver(app, reserved(body["id"]), body["id"])  # the same news, a new event id
    now = await order(client, buyer, body["id"])
    assert now["status"] == "awaiting_payment"
    [requested] = await outbox_events(app, PAYMENT_REQUESTED)
    assert requested["data"]["amount"] == {"amount": body["total"]["amount"], "currency": "USD"}
    assert requested["data"]["payment_method"] == "pm_card_visa"

    payment_id = uuid.uuid4()
    intent = PaymentIntentCreated(
        payment_id=payment_id,
        order_id=order_id,
        buyer_id=uuid.UUID(now["sub_orders"][0]["vendor_id"]),
        amount=usd(body["total"]["amount"]),
        client_secret="pi_123_secret_abc",
    )
    await deliver(app, intent, body["id"])
    now = await order(client, buyer, body["id"])
    assert now["payment"] == {
        "payment_id": str(payment_id),
        "client_secret": "pi_123_secret_abc",
        "paid": False,
    }

    paid = PaymentSucceeded(
        payment_id=payment_id,
        order_id=order_id,
        buyer_id=uuid.uuid4(),
        amount=usd(body["total"]["amount"]),
        payment_method="Visa 4242",
    )
    await deliver(app, paid, body["id"])
    await deliver(app, paid, body["id"])
    assert (await order(client, buyer, body["id"]))["status"] == "confirmed"
    [confirmed] = await outbox_events(app, CONFIRMED)
    assert confirmed["data"]["lines"][0]["sku"] == "P-1"
    assert confirmed["data"]["total"]["amount"] == body["total"]["amount"]
    assert confirmed["data"]["payment_method"] == "Visa 4242"
    assert confirmed["data"]["shipping_address"]["name"] == "Ada Lovelace"

    # A late failure, or a late reservation, of a confirmed order changes nothing.
    failed = PaymentFailed(
        payment_id=payment_id, order_id=order_id, buyer_id=uuid.uuid4(), reason="declined"
    )
    await deliver(app, failed, body["id"])
    await deliver(app, reserved(body["id"]), body["id"])
    assert (await order(client, buyer, body["id"]))["status"] == "confirmed"
    assert await outbox_events(app, CANCELLED) == []

    async with app.state.database.transaction() as session:
        moves = list(
            await session.scalars(
                select(OrderTransition.to_status)
                .where(OrderTransition.order_id == order_id)
                .order_by(OrderTransition.id)
            )
        )
    assert moves == ["pending", "awaiting_payment", "confirmed"]


async def test_reservation_failed_cancels_with_the_reason(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    body = await placed(app, client, buyer)
    failed = InventoryReservationFailed(
        order_id=uuid.UUID(body["id"]),
        lines_short=[ShortLine(sku="P-1", requested=1, available=0)],
    )
    await deliver(app, failed, body["id"])
    await deliver(app, failed, body["id"])
    now = await order(client, buyer, body["id"])
    assert now["status"] == "cancelled"
    assert now["cancel_reason"] == "Not enough stock: P-1 (wanted 1, 0 left)."
    [cancelled] = await outbox_events(app, CANCELLED)
    assert cancelled["data"]["reason"] == now["cancel_reason"]
    # A reservation arriving after the cancellation does not revive the order.
    await deliver(app, reserved(body["id"]), body["id"])
    assert (await order(client, buyer, body["id"]))["status"] == "cancelled"
    assert await outbox_events(app, PAYMENT_REQUESTED) == []


async def test_declined_payment_cancels_and_releases(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now = await awaiting_payment(app, client, buyer)
    failed = PaymentFailed(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(now["id"]),
        buyer_id=uuid.uuid4(),
        reason="Your card was declined.",
        failure_code="card_declined",
    )
    await deliver(app, failed, now["id"])
    after = await order(client, buyer, now["id"])
    assert after["status"] == "cancelled"
    assert after["cancel_reason"] == "Your card was declined."
    [cancelled] = await outbox_events(app, CANCELLED)  # the catalog releases the stock
    assert cancelled["data"]["order_id"] == now["id"]


async def test_expired_reservation_cancels_unpaid_order(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now = await awaiting_payment(app, client, buyer)
    released = InventoryReleased(
        order_id=uuid.UUID(now["id"]), lines=[ReservedLine(sku="P-1", quantity=1)], reason="expired"
    )
    await deliver(app, released, now["id"])
    assert (await order(client, buyer, now["id"]))["status"] == "cancelled"


async def test_payment_timeout_cancels(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now = await awaiting_payment(app, client, buyer)
    await placed_an_hour_ago(app, now["id"])
    async with app.state.database.transaction() as session:
        count = await saga_payment.time_out_unpaid(session, app.state.outbox, timedelta(minutes=15))
    assert count == 1
    after = await order(client, buyer, now["id"])
    assert after["status"] == "cancelled"
    assert after["cancel_reason"] == "The payment did not arrive in time."
    assert len(await outbox_events(app, CANCELLED)) == 1

    # The money arriving after all is given back, and the order stays cancelled.
    paid = PaymentSucceeded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(now["id"]),
        buyer_id=uuid.uuid4(),
        amount=usd(now["total"]["amount"]),
    )
    await deliver(app, paid, now["id"])
    assert (await order(client, buyer, now["id"]))["status"] == "cancelled"
    [refund] = await outbox_events(app, REFUND_REQUESTED)
    assert refund["data"]["amount"]["amount"] == now["total"]["amount"]
    assert await outbox_events(app, CONFIRMED) == []


async def test_buyer_cancels_before_payment(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now = await awaiting_payment(app, client, buyer)
    response = await client.post(f"/api/v1/orders/{now['id']}/cancel", headers=buyer)
    assert response.status_code == 202
    assert response.json()["status"] == "cancelled"
    again = await client.post(f"/api/v1/orders/{now['id']}/cancel", headers=buyer)
    assert again.status_code == 202
    assert len(await outbox_events(app, CANCELLED)) == 1
    assert await outbox_events(app, REFUND_REQUESTED) == []


async def test_buyer_cancels_paid_order_refund_then_refunded(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now, order_id, payment_id, total = await paid_in_full(app, client, buyer)
    response = await client.post(f"/api/v1/orders/{now['id']}/cancel", headers=buyer)
    assert response.status_code == 202
    assert response.json()["status"] == "cancelled"
    [refund] = await outbox_events(app, REFUND_REQUESTED)
    assert refund["data"]["amount"] == {"amount": total, "currency": "USD"}
    assert refund["data"]["payment_id"] == str(payment_id)
    assert len(await outbox_events(app, CANCELLED)) == 1  # stock goes back

    done = PaymentRefunded(
        payment_id=payment_id,
        order_id=order_id,
        buyer_id=uuid.uuid4(),
        amount=usd(total),
        total_refunded=usd(total),
        refund_id=uuid.uuid4(),
    )
    await deliver(app, done, now["id"])
    await deliver(app, done, now["id"])
    after = await order(client, buyer, now["id"])
    assert after["status"] == "refunded"
    assert after["refunded"]["amount"] == total
    [told] = await outbox_events(app, REFUNDED)
    assert told["data"]["amount"]["amount"] == total
    assert told["data"]["fully_refunded"] is True


async def test_partial_refund_keeps_order_confirmed(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now, order_id, payment_id, _total = await paid_in_full(app, client, buyer)
    partial = PaymentRefunded(
        payment_id=payment_id,
        order_id=order_id,
        buyer_id=uuid.uuid4(),
        amount=usd(500),
        total_refunded=usd(500),
    )
    await deliver(app, partial, now["id"])
    after = await order(client, buyer, now["id"])
    assert after["status"] == "confirmed"
    assert after["refunded"]["amount"] == 500
    [told] = await outbox_events(app, REFUNDED)
    assert told["data"]["fully_refunded"] is False


async def test_paid_after_the_hold_expired_and_sold_out_cancels_and_refunds(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now, order_id, _payment_id, total = await paid_in_full(app, client, buyer)
    assert (await order(client, buyer, now["id"]))["status"] == "confirmed"
    gone = InventoryCommitFailed(
        order_id=order_id, lines_short=[ShortLine(sku="P-1", requested=1, available=0)]
    )
    await deliver(app, gone, now["id"])
    await deliver(app, gone, now["id"])
    after = await order(client, buyer, now["id"])
    assert after["status"] == "cancelled"
    assert after["cancel_reason"] == (
        "Sold out before the payment arrived: Not enough stock: P-1 (wanted 1, 0 left)."
    )
    [refund] = await outbox_events(app, REFUND_REQUESTED)
    assert refund["data"]["amount"] == {"amount": total, "currency": "USD"}
    assert len(await outbox_events(app, CANCELLED)) == 1
