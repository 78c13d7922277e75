"""Checkout: an order per Idempotency-Key, split per vendor, and OrderPlaced."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI

from agora_kit.testing.events import outbox_events
from agora_order.testing import ADDRESS

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
    other = await checkout(client, buyer, "key-1", coupon_code="OTHER")
    assert other.status_code == 422
    assert len(await outbox_events(app, PLACED)) == 1
    listed = (await client.get("/api/v1/orders", headers=buyer)).json()
    assert [o["id"] for o in listed["items"]] == [first.json()["id"]]


async def test_empty_cart_is_409_and_key_is_required(
    client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    assert (await checkout(client, buyer)).status_code == 409
    missing = await client.post(
        "/api/v1/checkout",
        json={"shipping_address": {"name": "x"}},
        headers=buyer,
    )
    assert missing.status_code == 422
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
