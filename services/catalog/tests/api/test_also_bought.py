"""Customers also bought: co-purchase counts kept from confirmed orders, once per
order, and the products most often bought with one."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI

from agora_catalog_testing.helpers import Shop
from agora_contracts.order import OrderCancelled, OrderConfirmed, OrderLine
from agora_kit.testing.events import deliver, redeliver


def confirmed(*skus: str) -> OrderConfirmed:
    return OrderConfirmed(
        order_id=uuid.uuid4(),
        buyer_id=uuid.uuid4(),
        lines=[OrderLine(sku=sku, quantity=2) for sku in skus],
    )


async def also_bought(shop: Shop, product: dict[str, Any], **params: Any) -> list[Any]:
    body = await shop.ok(
        shop.client.get(f"/api/v1/products/{product['id']}/also-bought", params=params)
    )
    return [(item["title"], item["bought_together"]) for item in body["items"]]


async def test_a_confirmed_order_counts_once_in_both_directions(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    toaster = await shop.product(
        store, kitchen, "Toaster", variants=[{"sku": "TOAST-1", "amount": 2500}]
    )
    mug = await shop.product(store, kitchen, "Mug", variants=[{"sku": "MUG-1"}])

    order = confirmed("KETTLE-1", "TOAST-1", "KETTLE-1")
    event = await deliver(app, order, str(order.order_id))
    await redeliver(app, order, str(order.order_id), event)
    # The same order again under another event id adds nothing either.
    await deliver(app, order, str(order.order_id))
    # Cancelled after confirmation: it was bought together, the count stays.
    await deliver(app, OrderCancelled(order_id=order.order_id, reason="buyer"), str(order.order_id))

    assert await also_bought(shop, kettle) == [("Toaster", 1)]
    assert await also_bought(shop, toaster) == [("Kettle", 1)]
    assert await also_bought(shop, mug) == []
    listing = await shop.ok(shop.client.get(f"/api/v1/products/{kettle['id']}/also-bought"))
    assert listing["items"][0]["id"] == toaster["id"]
    assert listing["items"][0]["price_from"] == {"amount": 2500, "currency": "USD"}

    url = f"/api/v1/products/{kettle['id']}/also-bought"
    first = await shop.client.get(url)
    assert first.headers["cache-control"] == "public, no-cache"
    again = await shop.client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


async def test_the_most_often_bought_together_come_first_and_only_those_for_sale(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    mug = await shop.product(store, kitchen, "Mug", variants=[{"sku": "MUG-1"}])
    await shop.product(store, kitchen, "Toaster", variants=[{"sku": "TOAST-1"}])
    await shop.product(store, kitchen, "Cups", variants=[{"sku": "CUPS-1"}])
    for order in (
        confirmed("KETTLE-1", "TOAST-1", "MUG-1"),
        confirmed("MUG-1", "KETTLE-1"),
        confirmed("KETTLE-1", "CUPS-1"),
    ):
        await deliver(app, order, str(order.order_id))

    # Most orders first; a tie goes to the most recently bought together.
    assert await also_bought(shop, kettle) == [("Mug", 2), ("Cups", 1), ("Toaster", 1)]
    assert await also_bought(shop, kettle, limit=2) == [("Mug", 2), ("Cups", 1)]
    assert await also_bought(shop, mug) == [("Kettle", 2), ("Toaster", 1)]

    await shop.ok(
        shop.client.post(f"/api/v1/products/{mug['id']}/unpublish", headers=store.owner.headers)
    )
    assert await also_bought(shop, kettle) == [("Cups", 1), ("Toaster", 1)]
    # Not for sale itself: 404, as its other public reads answer.
    gone = await shop.client.get(f"/api/v1/products/{mug['id']}/also-bought")
    assert gone.status_code == 404


async def test_unknown_products_and_bad_limits_are_refused(shop: Shop) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    url = f"/api/v1/products/{kettle['id']}/also-bought"

    unknown = await shop.client.get(f"/api/v1/products/{uuid.uuid4()}/also-bought")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    for limit in (0, 25, "many"):
        bad = await shop.client.get(url, params={"limit": limit})
        assert bad.status_code == 422, limit
        assert bad.headers["content-type"] == "application/problem+json"
        assert [e["name"] for e in bad.json()["errors"]] == ["query.limit"]
    assert (await shop.client.get(url, params={"limit": 24})).status_code == 200
