"""The checkout saga's stock: reserve all lines or none, release on cancel, commit on
confirmation, expire after the TTL; every handler idempotent and order-tolerant."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from agora_catalog.models import Reservation
from agora_catalog_testing.helpers import Shop
from agora_contracts.order import OrderCancelled, OrderConfirmed, OrderLine, OrderPlaced
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.testing.events import deliver, outbox_events, redeliver
from agora_kit.testing.waiting import eventually

RESERVED = "agora.catalog.inventory.reserved.v1"
FAILED = "agora.catalog.inventory.reservation_failed.v1"
RELEASED = "agora.catalog.inventory.released.v1"
COMMITTED = "agora.catalog.inventory.committed.v1"
COMMIT_FAILED = "agora.catalog.inventory.commit_failed.v1"
STOCK_CHANGED = "agora.catalog.inventory.stock_changed.v1"


@pytest.fixture
async def stock(shop: Shop) -> dict[str, Any]:
    """Two products: SHOE-S (5 on hand), SHOE-M (2 on hand); HAT-1 (3, unpublished)."""
    store = await shop.store()
    shoes = await shop.category("Shoes")
    shoe = await shop.product(
        store,
        shoes,
        "Shoe",
        variants=[{"sku": "SHOE-S", "stock": 5}, {"sku": "SHOE-M", "stock": 2}],
    )
    hat = await shop.product(
        store, shoes, "Hat", variants=[{"sku": "HAT-1", "stock": 3}], publish=False
    )
    return {"store": store, "shoe": shoe, "hat": hat}


def placed(
    *lines: tuple[str, int], ttl: int | None = None, order: uuid.UUID | None = None
) -> OrderPlaced:
    return OrderPlaced(
        order_id=order or uuid.uuid4(),
        buyer_id=uuid.uuid4(),
        lines=[OrderLine(sku=sku, quantity=q) for sku, q in lines],
        placed_at=datetime.now(UTC),
        reservation_ttl_seconds=ttl,
    )


async def available_told(app: FastAPI, sku: str) -> list[int]:
    """What the SKU's StockChanged events said was available, in order."""
    changes = await outbox_events(app, STOCK_CHANGED)
    return [change["data"]["available"] for change in changes if change["data"]["sku"] == sku]


def confirmed(order: OrderPlaced) -> OrderConfirmed:
    return OrderConfirmed(order_id=order.order_id, buyer_id=order.buyer_id, lines=order.lines)


def cancelled(order: OrderPlaced, reason: str) -> OrderCancelled:
    return OrderCancelled(order_id=order.order_id, reason=reason)


async def levels(
    shop: Shop, owner_headers: dict[str, str], *skus: str
) -> dict[str, tuple[int, int]]:
    result = {}
    for sku in skus:
        body = await shop.ok(shop.client.get(f"/api/v1/inventory/{sku}", headers=owner_headers))
        result[sku] = (body["on_hand"], body["reserved"])
    return result


async def test_an_order_reserves_every_line(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    event = placed(("SHOE-S", 2), ("SHOE-M", 2))
    await deliver(app, event, str(event.order_id))
    [reserved] = await outbox_events(app, RESERVED)
    assert reserved["subject"] == str(event.order_id)
    assert reserved["data"]["order_id"] == str(event.order_id)
    assert {(line["sku"], line["quantity"]) for line in reserved["data"]["lines"]} == {
        ("SHOE-M", 2),
        ("SHOE-S", 2),
    }
    headers = stock["store"].owner.headers
    assert await levels(shop, headers, "SHOE-S", "SHOE-M") == {"SHOE-S": (5, 2), "SHOE-M": (2, 2)}
    detail = await shop.ok(shop.client.get(f"/api/v1/products/{stock['shoe']['id']}"))
    assert {v["sku"]: v["available"] for v in detail["variants"]} == {"SHOE-S": 3, "SHOE-M": 0}


async def test_one_short_line_reserves_nothing_and_names_the_short_lines(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    event = placed(("SHOE-S", 1), ("SHOE-M", 3), ("HAT-1", 1), ("NO-SUCH-SKU", 1))
    await deliver(app, event, str(event.order_id))
    assert await outbox_events(app, RESERVED) == []
    [failed] = await outbox_events(app, FAILED)
    assert failed["data"]["lines_short"] == [
        # An unpublished product's SKU is not for sale: 0 available.
        {"sku": "HAT-1", "requested": 1, "available": 0},
        {"sku": "NO-SUCH-SKU", "requested": 1, "available": 0},
        {"sku": "SHOE-M", "requested": 3, "available": 2},
    ]
    headers = stock["store"].owner.headers
    assert await levels(shop, headers, "SHOE-S", "SHOE-M") == {"SHOE-S": (5, 0), "SHOE-M": (2, 0)}


async def test_lines_of_the_same_sku_add_up(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    event = placed(("SHOE-M", 1), ("SHOE-M", 2))
    await deliver(app, event, str(event.order_id))
    [failed] = await outbox_events(app, FAILED)
    assert failed["data"]["lines_short"] == [{"sku": "SHOE-M", "requested": 3, "available": 2}]


async def test_a_repeated_request_for_an_order_reserves_once(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    event = placed(("SHOE-S", 2))
    first = await deliver(app, event, str(event.order_id))
    # The same event again (the inbox drops it), and the same order in a new event.
    await redeliver(app, event, str(event.order_id), first)
    await deliver(app, event, str(event.order_id))
    assert len(await outbox_events(app, RESERVED)) == 1
    assert await levels(shop, stock["store"].owner.headers, "SHOE-S") == {"SHOE-S": (5, 2)}


async def test_cancel_releases_and_confirm_commits(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    headers = stock["store"].owner.headers
    kept, dropped = placed(("SHOE-S", 2)), placed(("SHOE-S", 1), ("SHOE-M", 1))
    for event in (kept, dropped):
        await deliver(app, event, str(event.order_id))
    assert await levels(shop, headers, "SHOE-S", "SHOE-M") == {"SHOE-S": (5, 3), "SHOE-M": (2, 1)}

    await deliver(
        app,
        cancelled(dropped, "payment failed"),
        str(dropped.order_id),
    )
    [released] = await outbox_events(app, RELEASED)
    assert released["data"]["reason"] == "cancelled"
    assert await levels(shop, headers, "SHOE-S", "SHOE-M") == {"SHOE-S": (5, 2), "SHOE-M": (2, 0)}

    confirm = confirmed(kept)
    await deliver(app, confirm, str(kept.order_id))
    await deliver(app, confirm, str(kept.order_id))
    [committed] = await outbox_events(app, COMMITTED)
    assert committed["data"]["lines"][0]["sku"] == "SHOE-S"
    assert await levels(shop, headers, "SHOE-S") == {"SHOE-S": (3, 0)}
    # The commit took 2 off on hand and off reserved: 3 stay available, unannounced.
    assert await available_told(app, "SHOE-S") == [3, 2, 3]

    # Cancelling a confirmed (not yet shipped) order puts its stock back on the shelf.
    await deliver(app, cancelled(kept, "buyer"), str(kept.order_id))
    assert await levels(shop, headers, "SHOE-S") == {"SHOE-S": (5, 0)}
    assert await available_told(app, "SHOE-S") == [3, 2, 3, 5]
    # A confirmation that arrives after the cancellation changes nothing.
    await deliver(
        app,
        confirmed(dropped),
        str(dropped.order_id),
    )
    assert await levels(shop, headers, "SHOE-S", "SHOE-M") == {"SHOE-S": (5, 0), "SHOE-M": (2, 0)}


async def test_a_cancellation_that_overtakes_its_order_wins(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    event = placed(("SHOE-S", 1))
    await deliver(app, cancelled(event, "timeout"), str(event.order_id))
    await deliver(app, event, str(event.order_id))
    assert await outbox_events(app, RESERVED) == []
    assert await levels(shop, stock["store"].owner.headers, "SHOE-S") == {"SHOE-S": (5, 0)}


async def test_reservations_expire_after_their_ttl(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    headers = stock["store"].owner.headers
    short_lived, long_lived = placed(("SHOE-S", 2), ttl=1), placed(("SHOE-S", 1), ttl=3600)
    for event in (short_lived, long_lived):
        await deliver(app, event, str(event.order_id))
    assert await levels(shop, headers, "SHOE-S") == {"SHOE-S": (5, 3)}

    # The service's own sweeper (every 0.1 s in tests) releases it.
    [expired] = await eventually(lambda: outbox_events(app, RELEASED), within=10)
    assert expired["data"]["order_id"] == str(short_lived.order_id)
    assert expired["data"]["reason"] == "expired"
    assert await levels(shop, headers, "SHOE-S") == {"SHOE-S": (5, 1)}
    async with app.state.database.transaction() as session:
        status = await session.scalar(
            select(Reservation.status).where(Reservation.order_id == short_lived.order_id)
        )
    assert status == "expired"

    # Paid after all: the stock is still there, so it is sold now.
    await deliver(
        app,
        confirmed(short_lived),
        str(short_lived.order_id),
    )
    [committed] = await outbox_events(app, COMMITTED)
    assert committed["data"]["order_id"] == str(short_lived.order_id)
    assert await levels(shop, headers, "SHOE-S") == {"SHOE-S": (3, 1)}


async def test_a_late_confirmation_of_sold_out_stock_is_reported(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    late = placed(("SHOE-M", 2), ttl=1)
    await deliver(app, late, str(late.order_id))
    await eventually(lambda: outbox_events(app, RELEASED), within=10)
    other = placed(("SHOE-M", 2))
    await deliver(app, other, str(other.order_id))
    await deliver(
        app,
        confirmed(late),
        str(late.order_id),
    )
    [failed] = await outbox_events(app, COMMIT_FAILED)
    assert failed["data"]["lines_short"] == [{"sku": "SHOE-M", "requested": 2, "available": 0}]
    assert await levels(shop, stock["store"].owner.headers, "SHOE-M") == {"SHOE-M": (2, 2)}


async def test_the_order_service_events_arrive_through_the_transport(
    shop: Shop, app: FastAPI, stock: dict[str, Any]
) -> None:
    event = placed(("SHOE-S", 1))
    cloud = CloudEvent(
        source="/agora/order", type=event.event_type, data=event.model_dump(mode="json")
    )
    await app.state.runtime.transport.publish(to_message(event.topic, str(event.order_id), cloud))
    [reserved] = await eventually(lambda: outbox_events(app, RESERVED))
    assert reserved["data"]["order_id"] == str(event.order_id)
    await asyncio.sleep(0)
