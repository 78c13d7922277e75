"""Reviews: only verified buyers, once each; the rating follows."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI

from agora_catalog_testing.helpers import Shop, User
from agora_contracts.common import Money
from agora_contracts.order import OrderCancelled, OrderConfirmed, OrderLine, OrderRefunded
from agora_kit.auth import SCOPE_CATALOG_READ
from agora_kit.testing.events import deliver, outbox_events


async def bought(app: FastAPI, buyer: User, sku: str) -> uuid.UUID:
    """The order service confirmed an order of ``sku`` by ``buyer``; the order's id."""
    order_id = uuid.uuid4()
    await deliver(
        app,
        OrderConfirmed(
            order_id=order_id, buyer_id=buyer.id, lines=[OrderLine(sku=sku, quantity=1)]
        ),
        str(order_id),
    )
    return order_id


async def review(shop: Shop, product: dict[str, Any], buyer: User, rating: int) -> Any:
    return await shop.client.post(
        f"/api/v1/products/{product['id']}/reviews",
        json={"rating": rating, "title": f"{rating} stars", "body": "Works."},
        headers=buyer.headers,
    )


async def test_only_buyers_of_a_confirmed_order_review_and_only_once(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    toaster = await shop.product(store, kitchen, "Toaster", variants=[{"sku": "TOAST-1"}])
    alice, bob = shop.user(), shop.user()

    never = await review(shop, kettle, alice, 5)
    assert never.status_code == 403
    assert never.json()["type"] == "https://agora.dev/problems/not-a-verified-buyer"

    await bought(app, alice, "KETTLE-1")
    await bought(app, bob, "TOAST-1")
    first = await review(shop, kettle, alice, 4)
    assert first.status_code == 201, first.text
    assert (first.json()["author_id"], first.json()["rating"]) == (str(alice.id), 4)
    again = await review(shop, kettle, alice, 1)
    assert again.status_code == 409
    assert again.json()["type"] == "https://agora.dev/problems/already-reviewed"
    assert (await review(shop, kettle, bob, 5)).status_code == 403, "bob bought the toaster"
    assert (await review(shop, toaster, bob, 2)).status_code == 201


async def test_the_rating_average_and_count_follow_the_reviews(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    for rating in (5, 4, 4):
        buyer = shop.user()
        await bought(app, buyer, "KETTLE-1")
        assert (await review(shop, kettle, buyer, rating)).status_code == 201

    detail = await shop.ok(shop.client.get(f"/api/v1/products/{kettle['id']}"))
    assert detail["rating"] == {"average": 4.33, "count": 3}
    listing = await shop.ok(
        shop.client.get(f"/api/v1/products/{kettle['id']}/reviews", params={"limit": 2})
    )
    assert [r["rating"] for r in listing["items"]] == [4, 4]
    assert listing["rating"] == {"average": 4.33, "count": 3}
    rest = await shop.ok(
        shop.client.get(
            f"/api/v1/products/{kettle['id']}/reviews", params={"cursor": listing["next_cursor"]}
        )
    )
    assert [r["rating"] for r in rest["items"]] == [5]
    rated = await outbox_events(app, "agora.catalog.product.rated.v1")
    assert [(e["data"]["rating_count"], e["data"]["rating_average"]) for e in rated] == [
        (1, 5.0),
        (2, 4.5),
        (3, 4.33),
    ]


async def test_review_input_and_who_may_write_one(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    draft = await shop.product(
        store, kitchen, "Draft", variants=[{"sku": "DRAFT-1"}], publish=False
    )
    buyer = shop.user()
    await bought(app, buyer, "KETTLE-1")
    await bought(app, buyer, "DRAFT-1")

    bad = await shop.client.post(
        f"/api/v1/products/{kettle['id']}/reviews",
        json={"rating": 6, "title": ""},
        headers=buyer.headers,
    )
    assert bad.status_code == 422
    assert {e["name"] for e in bad.json()["errors"]} == {"body.rating", "body.title"}
    assert (await review(shop, draft, buyer, 3)).status_code == 404
    assert (await shop.client.get(f"/api/v1/products/{draft['id']}/reviews")).status_code == 404
    key = User(buyer.id, shop.keys.token(buyer.id, scope=SCOPE_CATALOG_READ))
    assert (await review(shop, kettle, key, 3)).status_code == 403
    anonymous = await shop.client.post(
        f"/api/v1/products/{kettle['id']}/reviews", json={"rating": 3, "title": "x"}
    )
    assert anonymous.status_code == 401


async def test_a_cancelled_or_fully_refunded_order_no_longer_verifies_its_buyer(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    cancelled, refunded, partly, twice = shop.user(), shop.user(), shop.user(), shop.user()

    order_id = await bought(app, cancelled, "KETTLE-1")
    await deliver(app, OrderCancelled(order_id=order_id, reason="Sold out."), str(order_id))
    assert (await review(shop, kettle, cancelled, 5)).status_code == 403

    def refund(order_id: uuid.UUID, buyer: User, amount: int) -> OrderRefunded:
        return OrderRefunded(
            order_id=order_id,
            buyer_id=buyer.id,
            amount=Money(amount=amount, currency="USD"),
            total_refunded=Money(amount=amount, currency="USD"),
            fully_refunded=amount == 1000,
        )

    order_id = await bought(app, refunded, "KETTLE-1")
    await deliver(app, refund(order_id, refunded, 1000), str(order_id))
    assert (await review(shop, kettle, refunded, 5)).status_code == 403

    order_id = await bought(app, partly, "KETTLE-1")
    await deliver(app, refund(order_id, partly, 300), str(order_id))
    assert (await review(shop, kettle, partly, 4)).status_code == 201, "a partial refund"

    # Another, still confirmed order of the product keeps its buyer verified.
    kept = await bought(app, twice, "KETTLE-1")
    gone = await bought(app, twice, "KETTLE-1")
    await deliver(app, OrderCancelled(order_id=gone, reason="Changed mind."), str(gone))
    assert kept != gone
    assert (await review(shop, kettle, twice, 3)).status_code == 201
