"""The buyer's wishlist: add (twice is fine), list by pages, remove; unknown products
and variants refused as problems; the alerts written to the outbox when a wished SKU
is back in stock or cheaper; and an erased account's wishlist removed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select

from agora_catalog.models import Wish
from agora_catalog_testing.helpers import Shop, Store, User
from agora_contracts.order import OrderCancelled, OrderLine, OrderPlaced
from agora_contracts.user import UserDeleted
from agora_kit.testing.events import deliver, outbox_events

BACK = "agora.catalog.wishlist.back_in_stock.v1"
DROPPED = "agora.catalog.wishlist.price_dropped.v1"
PROBLEMS = "https://agora.dev/problems"


async def wish(shop: Shop, buyer: User, body: dict[str, Any], status: int = 201) -> Any:
    return await shop.ok(
        shop.client.post("/api/v1/wishlist", json=body, headers=buyer.headers), status
    )


async def boots(shop: Shop, stock: int = 0) -> tuple[Store, dict[str, Any]]:
    store = await shop.store()
    shoes = await shop.category(f"Shoes {uuid.uuid4().hex[:6]}")
    product = await shop.product(
        store,
        shoes,
        "Boot",
        variants=[
            {"sku": "BOOT-41", "stock": stock, "amount": 8000},
            {"sku": "BOOT-42", "stock": stock, "amount": 8000},
        ],
    )
    return store, product


async def set_stock(shop: Shop, store: Store, sku: str, on_hand: int) -> None:
    await shop.ok(
        shop.client.put(
            f"/api/v1/inventory/{sku}", json={"on_hand": on_hand}, headers=store.owner.headers
        )
    )


async def set_price(
    shop: Shop, store: Store, product: dict[str, Any], sku: str, amount: int
) -> None:
    await shop.ok(
        shop.client.patch(
            f"/api/v1/products/{product['id']}/variants/{sku}",
            json={"price": {"amount": amount, "currency": "USD"}},
            headers=store.owner.headers,
        )
    )


async def test_a_buyer_adds_lists_and_removes_wishes(shop: Shop, app: FastAPI) -> None:
    _, product = await boots(shop, stock=3)
    buyer = shop.user()
    whole = await wish(shop, buyer, {"product_id": product["id"]})
    assert (whole["product_id"], whole["sku"], whole["title"]) == (product["id"], None, "Boot")
    one = await wish(shop, buyer, {"product_id": product["id"], "sku": "BOOT-42"})
    assert one["sku"] == "BOOT-42"
    again = await wish(shop, buyer, {"product_id": product["id"], "sku": "BOOT-42"}, 200)
    assert again == one, "adding twice answers the item already there"
    assert await wish(shop, buyer, {"product_id": product["id"]}, 200) == whole

    first = await shop.ok(shop.client.get("/api/v1/wishlist?limit=1", headers=buyer.headers))
    assert [item["id"] for item in first["items"]] == [one["id"]], "newest first"
    rest = await shop.ok(
        shop.client.get(
            "/api/v1/wishlist",
            params={"limit": 1, "cursor": first["next_cursor"]},
            headers=buyer.headers,
        )
    )
    assert [item["id"] for item in rest["items"]] == [whole["id"]]
    assert rest["next_cursor"] is None
    other = shop.user()
    mine = await shop.ok(shop.client.get("/api/v1/wishlist", headers=other.headers))
    assert mine == {"items": [], "next_cursor": None}

    refused = await shop.client.delete(f"/api/v1/wishlist/{one['id']}", headers=other.headers)
    assert refused.status_code == 404
    assert refused.json()["type"] == f"{PROBLEMS}/not-found"
    removed = await shop.client.delete(f"/api/v1/wishlist/{one['id']}", headers=buyer.headers)
    assert removed.status_code == 204
    gone = await shop.client.delete(f"/api/v1/wishlist/{one['id']}", headers=buyer.headers)
    assert gone.status_code == 404
    left = await shop.ok(shop.client.get("/api/v1/wishlist", headers=buyer.headers))
    assert [item["id"] for item in left["items"]] == [whole["id"]]
    assert (await shop.client.get("/api/v1/wishlist")).status_code == 401


async def test_unknown_products_and_variants_are_problems(shop: Shop, app: FastAPI) -> None:
    store, product = await boots(shop, stock=3)
    shoes = await shop.category("Drafts")
    draft = await shop.product(store, shoes, "Draft", publish=False)
    buyer = shop.user()
    for product_id in (str(uuid.uuid4()), draft["id"]):
        unknown = await shop.client.post(
            "/api/v1/wishlist", json={"product_id": product_id}, headers=buyer.headers
        )
        assert unknown.status_code == 422
        assert unknown.headers["content-type"] == "application/problem+json"
        assert unknown.json()["type"] == f"{PROBLEMS}/unknown-product"
    no_size = await shop.client.post(
        "/api/v1/wishlist",
        json={"product_id": product["id"], "sku": "BOOT-99"},
        headers=buyer.headers,
    )
    assert no_size.status_code == 422
    assert no_size.json()["type"] == f"{PROBLEMS}/unknown-variant"
    listed = await shop.ok(shop.client.get("/api/v1/wishlist", headers=buyer.headers))
    assert listed["items"] == []


async def test_wishers_are_told_once_when_a_sku_is_back_in_stock(shop: Shop, app: FastAPI) -> None:
    store, product = await boots(shop, stock=0)
    size_41, size_42, whole = shop.user(), shop.user(), shop.user()
    await wish(shop, size_41, {"product_id": product["id"], "sku": "BOOT-41"})
    await wish(shop, size_42, {"product_id": product["id"], "sku": "BOOT-42"})
    await wish(shop, whole, {"product_id": product["id"]})
    await wish(shop, whole, {"product_id": product["id"], "sku": "BOOT-41"})

    await set_stock(shop, store, "BOOT-41", 5)
    alerts = await outbox_events(app, BACK)
    assert sorted(a["data"]["user_id"] for a in alerts) == sorted([str(size_41.id), str(whole.id)])
    for alert in alerts:
        assert alert["subject"] == alert["data"]["user_id"], "keyed by the buyer"
        assert alert["data"] | {"user_id": None} == {
            "user_id": None,
            "product_id": product["id"],
            "sku": "BOOT-41",
            "title": "Boot",
            "price": {"amount": 8000, "currency": "USD"},
            "available": 5,
        }
    await set_stock(shop, store, "BOOT-41", 7)  # more, but it was not sold out
    await set_stock(shop, store, "BOOT-42", 0)  # still sold out
    assert len(await outbox_events(app, BACK)) == 2
    await set_stock(shop, store, "BOOT-41", 0)
    await set_stock(shop, store, "BOOT-41", 1)  # sold out, then back again: a new alert
    assert len(await outbox_events(app, BACK)) == 4


async def test_wishers_are_told_when_a_price_drops(shop: Shop, app: FastAPI) -> None:
    store, product = await boots(shop, stock=3)
    buyer, other = shop.user(), shop.user()
    await wish(shop, buyer, {"product_id": product["id"], "sku": "BOOT-42"})
    await wish(shop, other, {"product_id": product["id"], "sku": "BOOT-41"})

    await set_price(shop, store, product, "BOOT-42", 9000)  # dearer: nobody is told
    assert await outbox_events(app, DROPPED) == []
    await set_price(shop, store, product, "BOOT-42", 6500)
    [drop] = await outbox_events(app, DROPPED)
    assert drop["subject"] == str(buyer.id)
    assert drop["data"] == {
        "user_id": str(buyer.id),
        "product_id": product["id"],
        "sku": "BOOT-42",
        "title": "Boot",
        "price": {"amount": 6500, "currency": "USD"},
        "previous_price": {"amount": 9000, "currency": "USD"},
    }


async def test_an_erased_account_loses_its_wishlist(shop: Shop, app: FastAPI) -> None:
    _, product = await boots(shop, stock=3)
    buyer, other = shop.user(), shop.user()
    await wish(shop, buyer, {"product_id": product["id"]})
    await wish(shop, buyer, {"product_id": product["id"], "sku": "BOOT-41"})
    await wish(shop, other, {"product_id": product["id"]})
    await deliver(
        app,
        UserDeleted(user_id=buyer.id, deleted_at=datetime.now(UTC)),
        str(buyer.id),
    )
    async with app.state.database.read() as session:
        counts = dict(
            (await session.execute(select(Wish.user_id, func.count()).group_by(Wish.user_id))).all()
        )
    assert counts == {other.id: 1}


async def test_stock_freed_by_a_cancelled_order_tells_the_wishers(shop: Shop, app: FastAPI) -> None:
    _, product = await boots(shop, stock=1)
    buyer = shop.user()
    await wish(shop, buyer, {"product_id": product["id"], "sku": "BOOT-41"})
    order_id = uuid.uuid4()
    await deliver(
        app,
        OrderPlaced(
            order_id=order_id,
            buyer_id=uuid.uuid4(),
            lines=[OrderLine(sku="BOOT-41", quantity=1)],
            placed_at=datetime.now(UTC),
        ),
        str(order_id),
    )
    assert await outbox_events(app, BACK) == [], "reserving the last one tells nobody"
    await deliver(app, OrderCancelled(order_id=order_id, reason="changed my mind"), str(order_id))
    [alert] = await outbox_events(app, BACK)
    assert (alert["data"]["user_id"], alert["data"]["available"]) == (str(buyer.id), 1)


async def test_nobody_is_told_of_a_product_no_longer_for_sale(shop: Shop, app: FastAPI) -> None:
    store, product = await boots(shop, stock=0)
    buyer = shop.user()
    await wish(shop, buyer, {"product_id": product["id"]})
    await shop.ok(
        shop.client.post(f"/api/v1/products/{product['id']}/unpublish", headers=store.owner.headers)
    )
    await set_stock(shop, store, "BOOT-41", 5)
    await set_price(shop, store, product, "BOOT-41", 6500)
    assert await outbox_events(app, BACK) == []
    assert await outbox_events(app, DROPPED) == []
