"""The business metrics (docs/operations/metrics.md): carts, orders placed, confirmed
and cancelled by reason, and GMV, each counted once, and only when the work commits."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import (
    InventoryReleased,
    InventoryReservationFailed,
    InventoryReserved,
    ReservedLine,
    ShortLine,
)
from agora_contracts.common import Money
from agora_contracts.payment import PaymentFailed, PaymentSucceeded
from agora_kit.testing.events import deliver
from agora_kit.testing.tokens import Keys
from agora_order.api.schemas import CheckoutIn, checkout_request
from agora_order.service import checkout as checkout_service
from agora_order.service import saga_payment
from agora_order.service.metrics import CANCEL_REASONS
from agora_order.settings import Settings
from agora_order_testing import ADDRESS

from .helpers import checkout, fill, order, placed_an_hour_ago, stock


def value(app: FastAPI, name: str, **labels: str) -> float:
    registry = app.state.runtime.metrics.registry
    return registry.get_sample_value(name, {"service": "order", **labels}) or 0.0


def cancelled(app: FastAPI, reason: str) -> float:
    return value(app, "agora_orders_cancelled_total", reason=reason)


async def place(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    await fill(client, headers, ("P-1", 1))
    response = await checkout(client, headers, payment_method="pm_card_visa")
    assert response.status_code == 202, response.text
    order_id: str = response.json()["id"]
    return order_id


def reserved(order_id: str) -> InventoryReserved:
    return InventoryReserved(
        order_id=uuid.UUID(order_id),
        lines=[ReservedLine(sku="P-1", quantity=1)],
        expires_at=datetime.now(UTC) + timedelta(minutes=15),
    )


async def awaiting_payment(app: FastAPI, client: httpx.AsyncClient, keys: Keys) -> str:
    order_id = await place(client, keys.headers(uuid.uuid4()))
    await deliver(app, reserved(order_id), order_id)
    return order_id


async def test_a_cart_an_order_and_its_confirmation_count_once(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("P-1", 2000, 50), ("P-2", 500, 50)])
    await fill(client, buyer, ("P-1", 1), ("P-2", 1), ("P-1", 1))
    assert value(app, "agora_carts_created_total") == 1  # one cart, however many items

    key = uuid.uuid4().hex
    placed = await checkout(client, buyer, key, payment_method="pm_card_visa")
    assert placed.status_code == 202, placed.text
    replayed = await checkout(client, buyer, key, payment_method="pm_card_visa")
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert value(app, "agora_orders_placed_total", currency="USD") == 1
    await fill(client, buyer, ("P-2", 1))
    assert value(app, "agora_carts_created_total") == 2  # the next cart after checkout

    body = placed.json()
    order_id, total = body["id"], body["total"]["amount"]
    await deliver(app, reserved(order_id), order_id)
    paid = PaymentSucceeded(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(order_id),
        buyer_id=uuid.uuid4(),
        amount=Money(amount=total, currency="USD"),
    )
    await deliver(app, paid, order_id)
    await deliver(app, paid, order_id)  # the same news again
    assert (await order(client, buyer, order_id))["status"] == "confirmed"
    assert value(app, "agora_orders_confirmed_total", currency="USD") == 1
    assert value(app, "agora_orders_gmv_minor_units_total", currency="USD") == total
    assert sum(cancelled(app, reason) for reason in set(CANCEL_REASONS.values())) == 0

    exposed = (await client.get("/metrics")).text
    assert 'agora_orders_placed_total{currency="USD",service="order"} 1.0' in exposed
    assert f'agora_orders_gmv_minor_units_total{{currency="USD",service="order"}} {total}.0' in (
        exposed
    )


async def test_cancellations_count_by_reason(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    await stock(app, [("P-1", 2000, 50)])

    short = await place(client, keys.headers(uuid.uuid4()))
    refusal = InventoryReservationFailed(
        order_id=uuid.UUID(short), lines_short=[ShortLine(sku="P-1", requested=1, available=0)]
    )
    await deliver(app, refusal, short)
    await deliver(app, refusal, short)
    assert cancelled(app, "out_of_stock") == 1

    declined = await awaiting_payment(app, client, keys)
    failed = PaymentFailed(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(declined),
        buyer_id=uuid.uuid4(),
        reason="Your card was declined.",
    )
    await deliver(app, failed, declined)
    assert cancelled(app, "payment_failed") == 1

    expired = await awaiting_payment(app, client, keys)
    released = InventoryReleased(
        order_id=uuid.UUID(expired), lines=[ReservedLine(sku="P-1", quantity=1)], reason="expired"
    )
    await deliver(app, released, expired)
    assert cancelled(app, "timeout") == 1  # the reservation ran out before the payment

    late = await awaiting_payment(app, client, keys)
    await placed_an_hour_ago(app, late)
    async with app.state.database.transaction() as session:
        assert (
            await saga_payment.time_out_unpaid(session, app.state.outbox, timedelta(minutes=15))
            == 1
        )
    assert cancelled(app, "timeout") == 2

    headers = keys.headers(uuid.uuid4())
    mine = await place(client, headers)
    for _ in range(2):
        response = await client.post(f"/api/v1/orders/{mine}/cancel", headers=headers)
        assert response.status_code == 202
    assert cancelled(app, "buyer") == 1
    assert value(app, "agora_orders_placed_total", currency="USD") == 5
    assert value(app, "agora_orders_confirmed_total", currency="USD") == 0


class RolledBack(Exception):
    pass


async def rolled_back(app: FastAPI, work: Callable[[AsyncSession], Awaitable[object]]) -> None:
    """Do ``work`` in a transaction that then fails, so none of it commits."""
    async with app.state.database.transaction() as session:
        await work(session)
        raise RolledBack


async def test_work_rolled_back_counts_nothing(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, settings: Settings
) -> None:
    await stock(app, [("P-1", 2000, 50)])
    late = await awaiting_payment(app, client, keys)
    await placed_an_hour_ago(app, late)

    unpaid = timedelta(minutes=15)
    with pytest.raises(RolledBack):
        await rolled_back(
            app, lambda session: saga_payment.time_out_unpaid(session, app.state.outbox, unpaid)
        )
    assert cancelled(app, "timeout") == 0

    buyer_id = uuid.uuid4()
    await fill(client, keys.headers(buyer_id), ("P-1", 1))
    request = checkout_request(CheckoutIn.model_validate({"shipping_address": ADDRESS}))
    with pytest.raises(RolledBack):
        await rolled_back(
            app,
            lambda session: checkout_service.place(
                session, app.state.outbox, settings, buyer_id=buyer_id, request=request
            ),
        )
    assert value(app, "agora_orders_placed_total", currency="USD") == 1  # awaiting_payment's

    # Done again, for real, each counts once.
    async with app.state.database.transaction() as session:
        assert await saga_payment.time_out_unpaid(session, app.state.outbox, unpaid) == 1
    assert cancelled(app, "timeout") == 1
    assert (await checkout(client, keys.headers(buyer_id))).status_code == 202
    assert value(app, "agora_orders_placed_total", currency="USD") == 2


def test_every_cancellation_reason_is_catalogued() -> None:
    assert set(CANCEL_REASONS.values()) == {"buyer", "payment_failed", "out_of_stock", "timeout"}
