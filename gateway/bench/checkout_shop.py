"""The checkout benchmark's shop: an admin, two vendors selling four SKUs each, the
buyers, and what the order and catalog databases say about the orders afterwards
(their timestamps, whether they settled, and the stock audit). ``checkout_bench.py``
runs the buyers; ``checkout_report.py`` writes the report."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from agora_tools import fleetdb, journeys

API = journeys.API
FINAL = ("confirmed", "cancelled", "refunded")
PAYMENT_METHOD = "pm_card_visa"


@dataclass
class Shop:
    admin: journeys.Customer
    skus: dict[str, int]  # SKU -> stock at the start
    buyers: list[journeys.Customer]


@dataclass
class Level:
    buyers: int
    seconds: float = 0.0
    checkout_ms: list[float] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    confirm_ms: list[float] = field(default_factory=list)
    confirmed_in_window: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    settle_seconds: float = 0.0
    cpu_agora_ms: float = 0.0
    cpu_postgres_ms: float = 0.0
    # CPU of agora run's own process (user, catalog and order on one event loop) over
    # the window, in cores: near 1.0, that loop is the bottleneck; and of its second
    # process (the gateway, notification and payment).
    services_cores: float = 0.0
    second_cores: float = 0.0
    # Cores busy with anything but agora run, its PostgreSQL and the bench itself:
    # the rest of the machine's work, which these figures shared the cores with.
    others_cores: float = 0.0
    # Transactions each database committed per order placed, from the level's start
    # until its orders were final (pg_stat_database): a count the machine's load
    # does not move, unlike the times and CPU above.
    commits: dict[str, float] = field(default_factory=dict)


# ---- the shop ----


def set_up(
    gateway: httpx.Client,
    users: httpx.Client,
    admin: journeys.Customer,
    *,
    buyers: int,
    stock: int,
) -> Shop:
    journeys.log_in(users, admin)
    auth = {"Authorization": f"Bearer {admin.access_token}"}
    # The gateway verifies tokens once it has the user service's keys.
    journeys.eventually(
        lambda: gateway.get(f"{API}/users/me", headers=auth).status_code == 200,
        60,
        "the gateway taking tokens",
    )
    skus: dict[str, int] = {}
    for index in range(2):
        vendor = journeys.register(users)
        journeys.log_in(users, vendor)
        journeys.open_store(gateway, vendor, admin)
        for number in range(4):
            price = 990 + 250 * (4 * index + number)
            skus[journeys.sell(gateway, vendor, admin, amount=price, stock=stock)] = stock
    customers = journeys.buyers_for(users, gateway, skus, buyers)
    return Shop(admin=admin, skus=skus, buyers=customers)


# ---- what the order database says ----


async def order_times(order_url: str, order_ids: list[str]) -> list[dict[str, Any]]:
    """Each order's status, when it was placed and when the saga confirmed it."""
    return await fleetdb.rows(
        order_url,
        "SELECT o.id, o.status, o.placed_at, "
        "(SELECT min(t.at) FROM order_transitions t "
        " WHERE t.order_id = o.id AND t.to_status = 'confirmed') AS confirmed_at "
        "FROM orders o WHERE o.id = ANY(CAST(:ids AS uuid[]))",
        ids=order_ids,
    )


async def settle(order_url: str, catalog_url: str, order_ids: list[str], limit: float) -> float:
    """Seconds until every order is final and the catalog holds no stock for them."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        open_orders = await fleetdb.rows(
            order_url,
            "SELECT count(*) AS n FROM orders WHERE id = ANY(CAST(:ids AS uuid[])) "
            "AND status NOT IN ('confirmed', 'cancelled', 'refunded')",
            ids=order_ids,
        )
        held = await fleetdb.rows(
            catalog_url,
            "SELECT count(*) AS n FROM reservations WHERE status = 'active'",
        )
        if int(open_orders[0]["n"]) == 0 and int(held[0]["n"]) == 0:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    raise SystemExit(f"the orders did not settle within {limit:.0f} s")


async def measure_orders(order_url: str, level: Level, window_start: datetime.datetime) -> None:
    rows = await order_times(order_url, level.order_ids)
    window_end = window_start + datetime.timedelta(seconds=level.seconds)
    for row in rows:
        level.statuses[str(row["status"])] += 1
        if row["confirmed_at"] is None:
            continue
        delta = (row["confirmed_at"] - row["placed_at"]).total_seconds() * 1000
        level.confirm_ms.append(delta)
        level.confirmed_in_window += row["confirmed_at"] <= window_end


async def audit_stock(order_url: str, catalog_url: str, shop: Shop) -> tuple[int, list[str]]:
    """Units sold; the problems: stock still reserved, below zero, or lost or made up."""
    sold: Counter[str] = Counter()
    for row in await fleetdb.rows(
        order_url,
        "SELECT l.sku, sum(l.quantity) AS n FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE l.sku = ANY(:skus) AND o.status IN ('confirmed', 'shipped', 'delivered') "
        "GROUP BY l.sku",
        skus=sorted(shop.skus),
    ):
        sold[row["sku"]] = int(row["n"])
    problems = []
    levels = {
        row["sku"]: row
        for row in await fleetdb.rows(
            catalog_url,
            "SELECT sku, on_hand, reserved FROM inventory WHERE sku = ANY(:skus)",
            skus=sorted(shop.skus),
        )
    }
    for sku, start in shop.skus.items():
        on_hand, reserved = int(levels[sku]["on_hand"]), int(levels[sku]["reserved"])
        if reserved:
            problems.append(f"{sku}: {reserved} still reserved")
        if on_hand < 0:
            problems.append(f"{sku}: oversold, {on_hand} on hand")
        if on_hand + sold[sku] != start:
            problems.append(f"{sku}: {start} at the start, {sold[sku]} sold, {on_hand} on hand")
    return sum(sold.values()), problems
