"""An erased account in the catalog (ADR 0112): its reviews stay without their author,
its store is closed once, its verified purchases go; and its data, exported over the
internal route, only to Agora's own parts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select

from agora_catalog.models import Purchase, Review
from agora_catalog_testing.helpers import Shop, User
from agora_contracts.order import OrderConfirmed, OrderLine
from agora_contracts.user import UserDeleted
from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_kit.testing.events import deliver, outbox_events


async def bought(app: FastAPI, buyer: User, sku: str) -> None:
    order_id = uuid.uuid4()
    line = OrderLine(sku=sku, quantity=1)
    await deliver(
        app, OrderConfirmed(order_id=order_id, buyer_id=buyer.id, lines=[line]), str(order_id)
    )


async def review(shop: Shop, product: dict[str, Any], buyer: User, rating: int) -> Any:
    body = {"rating": rating, "title": f"{rating} stars", "body": "Works."}
    return await shop.client.post(
        f"/api/v1/products/{product['id']}/reviews", json=body, headers=buyer.headers
    )


SUSPENDED = "agora.catalog.vendor.suspended.v1"


async def test_erasure_anonymises_reviews_closes_the_store_and_runs_once(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    kitchen = await shop.category("Kitchen")
    kettle = await shop.product(store, kitchen, "Kettle", variants=[{"sku": "KETTLE-1"}])
    teapot = await shop.product(store, kitchen, "Teapot", variants=[{"sku": "TEAPOT-1"}])
    alice, bob = shop.user(), shop.user()
    await bought(app, alice, "KETTLE-1")
    await bought(app, alice, "TEAPOT-1")
    await bought(app, bob, "KETTLE-1")
    mine = (await review(shop, kettle, alice, 5)).json()
    also_mine = (await review(shop, teapot, alice, 4)).json()
    assert (await review(shop, kettle, bob, 3)).status_code == 201

    service = {SERVICE_TOKEN_HEADER: app.state.service_token.decode()}
    path = f"/internal/users/{alice.id}/export"
    assert (await shop.client.get(path, headers=alice.headers)).status_code == 403
    exported = await shop.ok(shop.client.get(path, headers=service))
    assert [r["id"] for r in exported["reviews"]] == [mine["id"], also_mine["id"]]
    assert [p["product_id"] for p in exported["purchases"]] == [kettle["id"], teapot["id"]]
    owned = await shop.ok(
        shop.client.get(f"/internal/users/{store.owner.id}/export", headers=service)
    )
    assert owned["store"]["id"] == store.id

    for person in (alice, store.owner):
        await deliver(
            app, UserDeleted(user_id=person.id, deleted_at=datetime.now(UTC)), str(person.id)
        )
    [closed] = await outbox_events(app, SUSPENDED)
    assert closed["data"]["vendor_id"] == store.id
    assert closed["data"]["reason"] == "The owner's account was erased."
    # Delivered again, it closes nothing more. (Once published, the first event names
    # the owner, so the second erasure may delete it from the outbox.)
    owner = store.owner
    await deliver(app, UserDeleted(user_id=owner.id, deleted_at=datetime.now(UTC)), str(owner.id))
    assert [e for e in await outbox_events(app, SUSPENDED) if e["id"] != closed["id"]] == []

    async with app.state.database.read() as session:
        authors = dict((await session.execute(select(Review.rating, Review.author_id))).all())
        purchases = await session.scalar(
            select(func.count()).select_from(Purchase).where(Purchase.buyer_id == alice.id)
        )
    assert set(authors) == {5, 4, 3}
    assert authors[5] not in (alice.id, bob.id), "the review stays, without its author"
    assert authors[4] not in (alice.id, bob.id, authors[5]), "nothing ties her reviews together"
    assert authors[3] == bob.id
    assert purchases == 0
    detail = await shop.client.get(f"/api/v1/products/{kettle['id']}")
    assert detail.status_code == 404, "a closed store's products leave the shop"
    after = await shop.ok(shop.client.get(path, headers=service))
    assert (after["reviews"], after["purchases"], after["wishlist"]) == ([], [], [])
