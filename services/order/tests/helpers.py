"""Steps the order tests repeat: stock the read model, fill a cart, check out, pay, age
an order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from agora_contracts.catalog import InventoryReserved, ReservedLine
from agora_contracts.common import Money
from agora_contracts.payment import PaymentSucceeded
from agora_kit.testing.events import deliver
from agora_order.models import Order
from agora_order_testing import ADDRESS, product


async def stock(
    app: FastAPI, skus: list[tuple[str, int, int]], vendor_id: uuid.UUID | None = None
) -> uuid.UUID:
    event = product(skus, vendor_id=vendor_id)
    await deliver(app, event, str(event.product_id))
    return event.vendor_id


async def fill(client: httpx.AsyncClient, headers: dict[str, str], *lines: tuple[str, int]) -> None:
    for sku, quantity in lines:
        response = await client.post(
            "/api/v1/cart/items", json={"sku": sku, "quantity": quantity}, headers=headers
        )
        assert response.status_code == 200, response.text


async def checkout(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    key: str | None = None,
    **extra: Any,
) -> httpx.Response:
    return await client.post(
        "/api/v1/checkout",
        json={"shipping_address": ADDRESS, **extra},
        headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def order(client: httpx.AsyncClient, headers: dict[str, str], order_id: str) -> Any:
    response = await client.get(f"/api/v1/orders/{order_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def placed_an_hour_ago(app: FastAPI, order_id: str) -> None:
    """Backdates the order, so that its payment is overdue."""
    async with app.state.database.transaction() as session:
        await session.execute(
            update(Order)
            .where(Order.id == uuid.UUID(order_id))
            .values(placed_at=datetime.now(UTC) - timedelta(hours=1))
        )


def usd(amount: int) -> Money:
    return Money(amount=amount, currency="USD")


async def paid_order(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], *lines: tuple[str, int]
) -> dict[str, Any]:
    await fill(client, buyer, *lines)
    placed: dict[str, Any] = (await checkout(client, buyer)).json()
    reserved = [ReservedLine(sku=sku, quantity=quantity) for sku, quantity in lines]
    order_id = uuid.UUID(placed["id"])
    await deliver(
        app,
        InventoryReserved(order_id=order_id, lines=reserved, expires_at=placed["placed_at"]),
        placed["id"],
    )
    paid = PaymentSucceeded(
        payment_id=uuid.uuid4(),
        order_id=order_id,
        buyer_id=uuid.uuid4(),
        amount=usd(placed["total"]["amount"]),
    )
    await deliver(app, paid, placed["id"])
    return placed
