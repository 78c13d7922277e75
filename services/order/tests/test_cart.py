"""The cart: live prices and availability from the catalog's events, totals in
minor units (flat shipping, free from 50.00; 10% tax in these tests)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from agora_contracts.catalog import ProductUnpublished, ProductUpdated, StockChanged
from agora_kit.testing.events import deliver
from agora_order_testing import product

CART = "/api/v1/cart"


async def test_empty_cart_costs_nothing(client: httpx.AsyncClient, buyer: dict[str, str]) -> None:
    response = await client.get(CART, headers=buyer)
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == []
    assert body["total"] == {"amount": 0, "currency": "USD"}


async def test_cart_needs_a_signed_in_buyer(client: httpx.AsyncClient) -> None:
    assert (await client.get(CART)).status_code == 401


async def test_add_items_prices_them_live_with_totals(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    event = product([("MUG-1", 1250, 10), ("MUG-2", 800, 3)], title="Mug")
    await deliver(app, event, str(event.product_id))

    response = await client.post(
        f"{CART}/items", json={"sku": "MUG-1", "quantity": 2}, headers=buyer
    )
    assert response.status_code == 200, response.text
    await client.post(f"{CART}/items", json={"sku": "MUG-2", "quantity": 1}, headers=buyer)
    body = (await client.get(CART, headers=buyer)).json()

    assert [(i["sku"], i["quantity"]) for i in body["items"]] == [("MUG-1", 2), ("MUG-2", 1)]
    assert body["items"][0]["unit_price"] == {"amount": 1250, "currency": "USD"}
    assert body["items"][0]["line_total"] == {"amount": 2500, "currency": "USD"}
    assert body["subtotal"]["amount"] == 3300
    assert body["shipping"]["amount"] == 499  # under the 50.00 free-shipping line
    assert body["tax"]["amount"] == 380  # 10% of 3799, half up
    assert body["total"]["amount"] == 3300 + 499 + 380

    # A price change reaches the cart at once.
    newer = ProductUpdated(
        **{
            **event.model_dump(),
            "variants": [
                {"sku": "MUG-1", "price": {"amount": 3000, "currency": "USD"}, "available": 10},
                {"sku": "MUG-2", "price": {"amount": 800, "currency": "USD"}, "available": 3},
            ],
        }
    )
    await deliver(app, newer, str(event.product_id))
    body = (await client.get(CART, headers=buyer)).json()
    assert body["subtotal"]["amount"] == 6800
    assert body["shipping"]["amount"] == 0


async def test_adding_the_same_sku_again_adds_up(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    event = product([("TEA-1", 500, 5)])
    await deliver(app, event, str(event.product_id))
    await client.post(f"{CART}/items", json={"sku": "TEA-1", "quantity": 2}, headers=buyer)
    response = await client.post(
        f"{CART}/items", json={"sku": "TEA-1", "quantity": 3}, headers=buyer
    )
    assert response.json()["items"][0]["quantity"] == 5
    over = await client.post(f"{CART}/items", json={"sku": "TEA-1", "quantity": 1}, headers=buyer)
    assert over.status_code == 409
    assert over.headers["content-type"] == "application/problem+json"


async def test_unknown_sku_is_404_and_too_many_409_and_bad_body_422(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    event = product([("PEN-1", 100, 2)])
    await deliver(app, event, str(event.product_id))
    missing = await client.post(f"{CART}/items", json={"sku": "NOPE", "quantity": 1}, headers=buyer)
    assert missing.status_code == 404
    short = await client.post(f"{CART}/items", json={"sku": "PEN-1", "quantity": 3}, headers=buyer)
    assert short.status_code == 409
    bad = await client.post(f"{CART}/items", json={"sku": "PEN-1", "quantity": 0}, headers=buyer)
    assert bad.status_code == 422
    huge = await client.post(
        f"{CART}/items", json={"sku": "PEN-1", "quantity": 10**20}, headers=buyer
    )
    assert huge.status_code == 422
    odd = await client.post(
        f"{CART}/items", json={"sku": "PEN\u00001", "quantity": 1}, headers=buyer
    )
    assert odd.status_code == 422


async def test_patch_and_delete(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    event = product([("CUP-1", 100, 9)])
    await deliver(app, event, str(event.product_id))
    await client.post(f"{CART}/items", json={"sku": "CUP-1", "quantity": 1}, headers=buyer)
    patched = await client.patch(f"{CART}/items/CUP-1", json={"quantity": 4}, headers=buyer)
    assert patched.status_code == 200
    assert patched.json()["items"][0]["quantity"] == 4
    assert (
        await client.patch(f"{CART}/items/CUP-1", json={"quantity": 10}, headers=buyer)
    ).status_code == 409
    assert (
        await client.patch(f"{CART}/items/X", json={"quantity": 1}, headers=buyer)
    ).status_code == 404
    deleted = await client.delete(f"{CART}/items/CUP-1", headers=buyer)
    assert deleted.status_code == 200
    assert deleted.json()["items"] == []
    assert (await client.delete(f"{CART}/items/CUP-1", headers=buyer)).status_code == 404


async def test_carts_are_per_buyer(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str], admin: dict[str, str]
) -> None:
    event = product([("HAT-1", 100, 9)])
    await deliver(app, event, str(event.product_id))
    await client.post(f"{CART}/items", json={"sku": "HAT-1", "quantity": 1}, headers=buyer)
    assert (await client.get(CART, headers=admin)).json()["items"] == []


async def test_stale_and_withdrawn_products(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    event = product([("LAMP-1", 2000, 4)])
    await deliver(app, event, str(event.product_id), at=now)
    older = ProductUpdated(
        **{
            **event.model_dump(),
            "variants": [
                {"sku": "LAMP-1", "price": {"amount": 1, "currency": "USD"}, "available": 4}
            ],
        }
    )
    await deliver(app, older, str(event.product_id), at=now - timedelta(seconds=5))
    await client.post(f"{CART}/items", json={"sku": "LAMP-1", "quantity": 1}, headers=buyer)
    body = (await client.get(CART, headers=buyer)).json()
    assert body["items"][0]["unit_price"]["amount"] == 2000  # the late, older price is ignored

    stock = StockChanged(
        sku="LAMP-1",
        product_id=event.product_id,
        vendor_id=event.vendor_id,
        on_hand=4,
        reserved=3,
        available=1,
    )
    await deliver(app, stock, "LAMP-1", at=now + timedelta(seconds=1))
    body = (await client.get(CART, headers=buyer)).json()
    assert body["items"][0]["available"] == 1

    gone = ProductUnpublished(
        product_id=event.product_id, vendor_id=event.vendor_id, skus=["LAMP-1"]
    )
    await deliver(app, gone, str(event.product_id), at=now + timedelta(seconds=2))
    body = (await client.get(CART, headers=buyer)).json()
    assert body["items"][0]["for_sale"] is False
    assert body["subtotal"]["amount"] == 0
    assert (
        await client.post(f"{CART}/items", json={"sku": "LAMP-1", "quantity": 1}, headers=buyer)
    ).status_code == 404
    _ = uuid


async def test_the_cart_an_add_or_a_patch_answers_is_the_cart_a_read_gives(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    # Adding and patching answer with the cart built from what they read to check the
    # line, not read again: it must be the cart as stored.
    event = product([("BAG-1", 2000, 10), ("BAG-2", 1500, 10), ("BAG-3", 990, 10)], title="Bag")
    await deliver(app, event, str(event.product_id))

    answers = []
    for sku, quantity in [("BAG-2", 1), ("BAG-1", 2), ("BAG-3", 1), ("BAG-2", 2)]:
        added = await client.post(
            f"{CART}/items", json={"sku": sku, "quantity": quantity}, headers=buyer
        )
        assert added.status_code == 200, added.text
        answers.append(added.json())
        assert answers[-1] == (await client.get(CART, headers=buyer)).json()
    assert [(i["sku"], i["quantity"]) for i in answers[-1]["items"]] == [
        ("BAG-2", 3),
        ("BAG-1", 2),
        ("BAG-3", 1),
    ]
    assert answers[-1]["subtotal"]["amount"] == 3 * 1500 + 2 * 2000 + 990

    patched = await client.patch(f"{CART}/items/BAG-1", json={"quantity": 5}, headers=buyer)
    assert patched.status_code == 200, patched.text
    assert patched.json() == (await client.get(CART, headers=buyer)).json()
    assert patched.json()["subtotal"]["amount"] == 3 * 1500 + 5 * 2000 + 990
