"""Checkout: an order per Idempotency-Key, split per vendor, and OrderPlaced."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from agora_kit.testing.events import outbox_events
from agora_kit.testing.tokens import Keys
from agora_order.models import CartItem
from agora_order_testing import ADDRESS

from .helpers import checkout, fill, order, stock

PLACED = "agora.order.order.placed.v1"


async def test_checkout_places_one_order_split_per_vendor(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    shop_a = await stock(app, [("A-1", 1000, 5), ("A-2", 250, 5)])
    shop_b = await stock(app, [("B-1", 4000, 5)])
    await fill(client, buyer, ("A-1", 2), ("B-1", 1), ("A-2", 4))

    response = await checkout(client, buyer)
    assert response.status_code == 202, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/v1/orders/{body['id']}"
    assert body["status"] == "pending"
    assert body["subtotal"]["amount"] == 7000
    assert body["shipping"]["amount"] == 0  # over 50.00
    assert body["tax"]["amount"] == 700
    assert body["total"] == {"amount": 7700, "currency": "USD"}
    vendors = {sub["vendor_id"]: sub for sub in body["sub_orders"]}
    assert set(vendors) == {str(shop_a), str(shop_b)}
    assert vendors[str(shop_a)]["subtotal"]["amount"] == 3000
    assert [line["sku"] for line in vendors[str(shop_a)]["lines"]] == ["A-1", "A-2"]
    assert vendors[str(shop_b)]["subtotal"]["amount"] == 4000

    # The cart is emptied, and the catalog is asked to reserve every line.
    assert (await client.get("/api/v1/cart", headers=buyer)).json()["items"] == []
    [placed] = await outbox_events(app, PLACED)
    assert placed["data"]["order_id"] == body["id"]
    assert {(line["sku"], line["quantity"]) for line in placed["data"]["lines"]} == {
        ("A-1", 2),
        ("B-1", 1),
        ("A-2", 4),
    }
    assert (await order(client, buyer, body["id"]))["status"] == "pending"


async def test_same_key_same_order_other_body_422(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("K-1", 1000, 5)])
    await fill(client, buyer, ("K-1", 1))
    first = await checkout(client, buyer, "key-1")
    again = await checkout(client, buyer, "key-1")
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json(), "the first answer, as it was"
    other = await checkout(client, buyer, "key-1", coupon_code="OTHER")
    assert other.status_code == 422
    assert other.json()["type"] == "https://agora.dev/problems/idempotency-key-reused"
    assert len(await outbox_events(app, PLACED)) == 1
    listed = (await client.get("/api/v1/orders", headers=buyer)).json()
    assert [o["id"] for o in listed["items"]] == [first.json()["id"]]


async def test_empty_cart_is_409_and_key_is_required(
    client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    assert (await checkout(client, buyer)).status_code == 409
    missing = await client.post(
        "/api/v1/checkout", json={"shipping_address": ADDRESS}, headers=buyer
    )
    assert missing.status_code == 400
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "https://agora.dev/problems/idempotency-key-required"
    assert missing.json()["errors"] == [{"name": "header.Idempotency-Key", "reason": "required"}]
    nul = await client.post(
        "/api/v1/checkout",
        json={"shipping_address": {**ADDRESS, "name": "Ada\u0000"}},
        headers={**buyer, "Idempotency-Key": "k-nul"},
    )
    assert nul.status_code == 422


async def test_someone_elses_order_is_404(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    await stock(app, [("S-1", 1000, 5)])
    await fill(client, buyer, ("S-1", 1))
    placed = (await checkout(client, buyer)).json()
    assert (await client.get(f"/api/v1/orders/{placed['id']}", headers=admin)).status_code == 404
    assert (await client.get(f"/api/v1/orders/{uuid.uuid4()}", headers=buyer)).status_code == 404
    assert (
        await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=admin)
    ).status_code == 404


async def test_open_unpaid_orders_per_buyer_are_limited(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], keys: Keys
) -> None:
    await stock(app, [("H-1", 1000, 100)])
    for _ in range(3):  # AGORA_ORDER_MAX_OPEN_ORDERS_PER_BUYER, 3 by default
        await fill(client, buyer, ("H-1", 1))
        assert (await checkout(client, buyer)).status_code == 202

    await fill(client, buyer, ("H-1", 1))
    fourth = await checkout(client, buyer)
    assert fourth.status_code == 409
    assert fourth.headers["content-type"] == "application/problem+json"
    assert fourth.json()["type"] == "https://agora.dev/problems/too-many-open-orders"
    assert "3 unpaid orders" in fourth.json()["detail"]
    # Nothing changed: the cart is kept, no order and no event more.
    assert len((await client.get("/api/v1/cart", headers=buyer)).json()["items"]) == 1
    assert len((await client.get("/api/v1/orders", headers=buyer)).json()["items"]) == 3
    assert len(await outbox_events(app, PLACED)) == 3

    # Another buyer is not held back; and once one order is cancelled, there is room.
    other = keys.headers(uuid.uuid4())
    await fill(client, other, ("H-1", 1))
    assert (await checkout(client, other)).status_code == 202
    first = (await client.get("/api/v1/orders", headers=buyer)).json()["items"][0]
    cancelled = await client.post(f"/api/v1/orders/{first['id']}/cancel", headers=buyer)
    assert cancelled.status_code == 202
    assert (await checkout(client, buyer)).status_code == 202


async def test_units_of_one_sku_per_order_are_limited(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("U-1", 100, 500)])
    # AGORA_ORDER_MAX_UNITS_PER_SKU, 10 by default: the cart refuses more of one SKU...
    too_many = await client.post(
        "/api/v1/cart/items", json={"sku": "U-1", "quantity": 11}, headers=buyer
    )
    assert too_many.status_code == 409
    assert too_many.json()["type"] == "https://agora.dev/problems/too-many-units"
    await fill(client, buyer, ("U-1", 10))
    assert (await checkout(client, buyer)).status_code == 202


async def test_checkout_refuses_a_cart_over_the_units_limit(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("V-1", 100, 500)])
    await fill(client, buyer, ("V-1", 10))
    async with app.state.database.transaction() as session:  # filled under a higher limit
        await session.execute(update(CartItem).values(quantity=40))
    refused = await checkout(client, buyer)
    assert refused.status_code == 409
    assert refused.json()["type"] == "https://agora.dev/problems/too-many-units"
    assert "V-1" in refused.json()["detail"]
    assert (await client.get("/api/v1/cart", headers=buyer)).json()["items"][0]["quantity"] == 40
    assert await outbox_events(app, PLACED) == []


async def test_racing_checkouts_of_one_cart_place_one_order(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("R-1", 1000, 100)])
    await fill(client, buyer, ("R-1", 2))
    answers = await asyncio.gather(*(checkout(client, buyer) for _ in range(5)))
    assert sorted(a.status_code for a in answers) == [202, 409, 409, 409, 409]
    assert len(await outbox_events(app, PLACED)) == 1
