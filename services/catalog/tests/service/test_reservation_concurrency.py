"""No interleaving of concurrent checkouts sells more than is on hand, and every order
gets all of its lines or none. Each reservation below runs as the consumer runs it,
in its own transaction on its own connection, all of them at once, against real
PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from agora_catalog.models import Inventory, Reservation, ReservationLine
from agora_catalog_testing.helpers import Shop
from agora_contracts.order import OrderCancelled, OrderLine, OrderPlaced
from agora_kit.testing.events import deliver, outbox_events

SKUS = ("CON-A", "CON-B", "CON-C")
ON_HAND = 10


async def stocked(shop: Shop) -> None:
    store = await shop.store()
    category = await shop.category("Contested")
    await shop.product(
        store,
        category,
        "Limited edition",
        variants=[{"sku": sku, "stock": ON_HAND} for sku in SKUS],
    )


def random_order(rng: random.Random) -> OrderPlaced:
    skus = rng.sample(SKUS, rng.randint(1, len(SKUS)))
    return OrderPlaced(
        order_id=uuid.uuid4(),
        buyer_id=uuid.uuid4(),
        lines=[OrderLine(sku=sku, quantity=rng.randint(1, 3)) for sku in skus],
        placed_at=datetime.now(UTC),
    )


async def state(
    app: FastAPI,
) -> tuple[dict[str, Inventory], dict[uuid.UUID, str], dict[uuid.UUID, Counter[str]]]:
    async with app.state.database.transaction() as session:
        inventory = {row.sku: row for row in await session.scalars(select(Inventory))}
        statuses = dict(
            (await session.execute(select(Reservation.order_id, Reservation.status))).tuples().all()
        )
        lines: dict[uuid.UUID, Counter[str]] = defaultdict(Counter)
        for line in await session.scalars(select(ReservationLine)):
            lines[line.order_id][line.sku] += line.quantity
    return inventory, statuses, lines


async def assert_consistent(app: FastAPI, orders: list[OrderPlaced]) -> Counter[str]:
    inventory, statuses, lines = await state(app)
    outcomes: dict[str, list[str]] = defaultdict(list)
    for kind in ("reserved", "reservation_failed"):
        for event in await outbox_events(app, f"agora.catalog.inventory.{kind}.v1"):
            outcomes[event["data"]["order_id"]].append(kind)

    held: Counter[str] = Counter()
    for order in orders:
        wanted: Counter[str] = Counter()
        for line in order.lines:
            wanted[line.sku] += line.quantity
        status = statuses[order.order_id]
        assert len(outcomes[str(order.order_id)]) == 1, "exactly one answer per order"
        if status == "active":
            assert outcomes[str(order.order_id)] == ["reserved"]
            assert lines[order.order_id] == wanted, "all lines reserved, as asked"
            held.update(wanted)
        else:
            assert status in ("failed", "released")
            assert not lines.get(order.order_id) or status == "released"
    for sku in SKUS:
        row = inventory[sku]
        assert row.on_hand == ON_HAND
        assert 0 <= row.reserved <= row.on_hand, f"{sku} oversold: {row.reserved} > {row.on_hand}"
        assert row.reserved == held[sku], f"{sku}: reserved drifted from its orders"
    return held


async def test_many_concurrent_checkouts_never_oversell(shop: Shop, app: FastAPI) -> None:
    await stocked(shop)
    rng = random.Random(20261121)
    orders = [random_order(rng) for _ in range(80)]
    demand = Counter(
        line.sku for order in orders for line in order.lines for _ in range(line.quantity)
    )
    assert all(demand[sku] > 3 * ON_HAND for sku in SKUS), "far more demand than stock"

    await asyncio.gather(*(deliver(app, order, str(order.order_id)) for order in orders))

    held = await assert_consistent(app, orders)
    _, statuses, _ = await state(app)
    assert Counter(statuses.values())["active"] >= 3, "some orders must have been served"
    assert Counter(statuses.values())["failed"] >= 40
    assert sum(held.values()) <= ON_HAND * len(SKUS)


async def test_exactly_the_stock_on_hand_is_sold_to_a_crowd(shop: Shop, app: FastAPI) -> None:
    await stocked(shop)
    orders = [
        OrderPlaced(
            order_id=uuid.uuid4(),
            buyer_id=uuid.uuid4(),
            lines=[OrderLine(sku="CON-A", quantity=1)],
            placed_at=datetime.now(UTC),
        )
        for _ in range(3 * ON_HAND)
    ]
    await asyncio.gather(*(deliver(app, order, str(order.order_id)) for order in orders))
    held = await assert_consistent(app, orders)
    assert held["CON-A"] == ON_HAND, "every unit sold, none twice"
    assert len(await outbox_events(app, "agora.catalog.inventory.reserved.v1")) == ON_HAND


async def test_cancellations_racing_new_checkouts_keep_the_books_straight(
    shop: Shop, app: FastAPI
) -> None:
    await stocked(shop)
    rng = random.Random(7)
    first = [random_order(rng) for _ in range(30)]
    await asyncio.gather(*(deliver(app, order, str(order.order_id)) for order in first))
    _, statuses, _ = await state(app)
    served = [o for o in first if statuses[o.order_id] == "active"]
    assert served

    second = [random_order(rng) for _ in range(40)]
    work: list[Any] = [
        deliver(app, OrderCancelled(order_id=o.order_id, reason="changed mind"), str(o.order_id))
        for o in served
    ]
    work += [deliver(app, order, str(order.order_id)) for order in second]
    rng.shuffle(work)
    await asyncio.gather(*work)

    await assert_consistent(app, first + second)
    _, statuses, _ = await state(app)
    assert all(statuses[o.order_id] == "released" for o in served)


async def test_200_concurrent_reservations_for_50_in_stock_sell_exactly_50(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    category = await shop.category("Crowded")
    await shop.product(store, category, "Festival ticket", variants=[{"sku": "CROWD", "stock": 50}])
    orders = [
        OrderPlaced(
            order_id=uuid.uuid4(),
            buyer_id=uuid.uuid4(),
            lines=[OrderLine(sku="CROWD", quantity=1)],
            placed_at=datetime.now(UTC),
        )
        for _ in range(200)
    ]
    await asyncio.gather(*(deliver(app, order, str(order.order_id)) for order in orders))

    inventory, statuses, _ = await state(app)
    assert inventory["CROWD"].on_hand == 50
    assert inventory["CROWD"].reserved == 50, "exactly the stock on hand is promised"
    assert Counter(statuses.values()) == {"active": 50, "failed": 150}
    reserved = await outbox_events(app, "agora.catalog.inventory.reserved.v1")
    failed = await outbox_events(app, "agora.catalog.inventory.reservation_failed.v1")
    assert len(reserved) == 50
    assert len(failed) == 150, "the rest fail cleanly, each with its answer"
    assert all(e["data"]["lines_short"][0]["sku"] == "CROWD" for e in failed)
