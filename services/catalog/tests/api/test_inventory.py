"""Stock levels set by the store, the low-stock alert, and returned units put back on
hand."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import FastAPI

from agora_catalog_testing.helpers import Shop
from agora_contracts.common import Money
from agora_contracts.order import OrderLine, OrderPlaced, ReturnLine, ReturnReceived
from agora_kit.auth import SCOPE_CATALOG_READ, SCOPE_INVENTORY_WRITE
from agora_kit.testing.events import deliver, outbox_events, redeliver

LOW_STOCK = "agora.catalog.inventory.low_stock.v1"
STOCK_CHANGED = "agora.catalog.inventory.stock_changed.v1"


async def placed(app: FastAPI, sku: str, quantity: int) -> None:
    """An order for ``quantity`` of ``sku`` is placed: the catalog reserves it."""
    order = uuid.uuid4()
    await deliver(
        app,
        OrderPlaced(
            order_id=order,
            buyer_id=uuid.uuid4(),
            lines=[OrderLine(sku=sku, quantity=quantity)],
            placed_at=datetime.now(UTC),
        ),
        str(order),
    )


async def test_the_owner_reads_and_sets_stock(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    await shop.product(store, shoes, "Boot", variants=[{"sku": "BOOT-1", "stock": 10}])

    stock = await shop.ok(shop.client.get("/api/v1/inventory/BOOT-1", headers=store.owner.headers))
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 0, 10)
    updated = await shop.ok(
        shop.client.put(
            "/api/v1/inventory/BOOT-1", json={"on_hand": 25}, headers=store.owner.headers
        )
    )
    assert (updated["sku"], updated["on_hand"], updated["available"]) == ("BOOT-1", 25, 25)
    [changed] = await outbox_events(app, "agora.catalog.inventory.stock_changed.v1")
    assert changed["subject"] == "BOOT-1"
    assert (changed["data"]["on_hand"], changed["data"]["available"]) == (25, 25)

    key = {
        "Authorization": f"Bearer {shop.keys.token(store.owner.id, scope=SCOPE_INVENTORY_WRITE)}"
    }
    assert (
        await shop.client.put("/api/v1/inventory/BOOT-1", json={"on_hand": 24}, headers=key)
    ).status_code == 200
    read_key = {
        "Authorization": f"Bearer {shop.keys.token(store.owner.id, scope=SCOPE_CATALOG_READ)}"
    }
    assert (
        await shop.client.put("/api/v1/inventory/BOOT-1", json={"on_hand": 1}, headers=read_key)
    ).status_code == 403
    assert (
        await shop.client.get("/api/v1/inventory/BOOT-1", headers=shop.user().headers)
    ).status_code == 403
    assert (await shop.client.get("/api/v1/inventory/BOOT-1")).status_code == 401
    assert (
        await shop.client.get("/api/v1/inventory/NOPE", headers=store.owner.headers)
    ).status_code == 404
    admin = await shop.client.get("/api/v1/inventory/BOOT-1", headers=shop.admin.headers)
    assert admin.json()["on_hand"] == 24
    negative = await shop.client.put(
        "/api/v1/inventory/BOOT-1", json={"on_hand": -1}, headers=store.owner.headers
    )
    assert negative.status_code == 422


async def test_stock_cannot_go_below_what_is_reserved(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    await shop.product(store, shoes, "Boot", variants=[{"sku": "BOOT-1", "stock": 10}])
    await placed(app, "BOOT-1", 6)
    refused = await shop.client.put(
        "/api/v1/inventory/BOOT-1", json={"on_hand": 5}, headers=store.owner.headers
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "https://agora.dev/problems/stock-below-reserved"
    stock = await shop.ok(
        shop.client.put(
            "/api/v1/inventory/BOOT-1", json={"on_hand": 6}, headers=store.owner.headers
        )
    )
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (6, 6, 0)
    product = (await shop.ok(shop.client.get("/api/v1/products")))["items"][0]
    detail = await shop.ok(shop.client.get(f"/api/v1/products/{product['id']}"))
    assert detail["variants"][0]["available"] == 0


async def test_low_stock_is_announced_once_per_crossing_of_the_threshold(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()  # threshold 5, the default
    shoes = await shop.category("Shoes")
    await shop.product(store, shoes, "Boot", variants=[{"sku": "BOOT-1", "stock": 10}])

    async def set_stock(on_hand: int) -> None:
        await shop.ok(
            shop.client.put(
                "/api/v1/inventory/BOOT-1", json={"on_hand": on_hand}, headers=store.owner.headers
            )
        )

    await set_stock(5)
    assert await outbox_events(app, LOW_STOCK) == [], "5 is not below a threshold of 5"
    await set_stock(4)
    await set_stock(2)
    [alert] = await outbox_events(app, LOW_STOCK)
    assert alert["data"] == {
        "sku": "BOOT-1",
        "vendor_id": store.id,
        "product_id": alert["data"]["product_id"],
        "available": 4,
        "threshold": 5,
    }
    await set_stock(20)
    # A reservation that takes availability under the threshold alerts too.
    await placed(app, "BOOT-1", 17)
    assert [a["data"]["available"] for a in await outbox_events(app, LOW_STOCK)] == [4, 3]


def received(vendor_id: str, *lines: tuple[str, int], restock: bool) -> ReturnReceived:
    """The order service's word that the store has a return of ``lines`` back."""
    return ReturnReceived(
        order_id=uuid.uuid4(),
        return_id=uuid.uuid4(),
        buyer_id=uuid.uuid4(),
        vendor_id=uuid.UUID(vendor_id),
        lines=[ReturnLine(order_line_id=uuid.uuid4(), sku=sku, quantity=q) for sku, q in lines],
        restock=restock,
        refund=Money(amount=1000, currency="USD"),
        received_at=datetime.now(UTC),
    )


async def test_a_received_return_goes_back_on_hand_only_when_restocked(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    await shop.product(
        store,
        shoes,
        "Boot",
        variants=[{"sku": "BOOT-1", "stock": 10}, {"sku": "BOOT-2", "stock": 4}],
    )

    async def on_hand() -> dict[str, int]:
        levels = {}
        for sku in ("BOOT-1", "BOOT-2"):
            body = await shop.ok(
                shop.client.get(f"/api/v1/inventory/{sku}", headers=store.owner.headers)
            )
            levels[sku] = body["on_hand"]
        return levels

    kept = received(store.id, ("BOOT-1", 2), restock=False)
    await deliver(app, kept, str(kept.order_id))
    assert await on_hand() == {"BOOT-1": 10, "BOOT-2": 4}
    assert await outbox_events(app, STOCK_CHANGED) == []

    # BOOT-1 on two lines of the return: both go back.
    back = received(store.id, ("BOOT-1", 2), ("BOOT-2", 1), ("BOOT-1", 3), restock=True)
    event = await deliver(app, back, str(back.order_id))
    assert await on_hand() == {"BOOT-1": 15, "BOOT-2": 5}
    told = [
        (e["data"]["sku"], e["data"]["available"]) for e in await outbox_events(app, STOCK_CHANGED)
    ]
    assert told == [("BOOT-1", 15), ("BOOT-2", 5)]

    await redeliver(app, back, str(back.order_id), event)  # the inbox drops it
    assert await on_hand() == {"BOOT-1": 15, "BOOT-2": 5}
    assert len(await outbox_events(app, STOCK_CHANGED)) == 2
