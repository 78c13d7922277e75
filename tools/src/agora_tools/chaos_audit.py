"""The audit of ``agora-chaos``: once the fleet has settled, the databases are read
and every order, payment, event, coupon use, unit of stock and payout is checked
(see ``agora_tools.chaos``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agora_tools import fleet, fleetdb, journeys

FINAL = ("confirmed", "cancelled", "refunded")
# Paid orders, before or after the vendors shipped and delivered them.
PAID = ("confirmed", "shipped", "delivered")
SETTLED = (*FINAL, "delivered")
COUPON_USES = 25


@dataclass
class Shop:
    admin: journeys.Customer
    skus: dict[str, int]  # SKU -> stock at the start
    coupon: str
    buyers: list[journeys.Customer]
    vendors: list[journeys.Customer] = field(default_factory=list)


async def unsettled(order_ids: list[str]) -> int:
    """Orders not final, stock still held for them (the catalog has yet to hear how
    they ended), and events not yet relayed."""
    pending = await fleetdb.rows(
        fleetdb.url("agora_order"),
        "SELECT count(*) AS n FROM orders WHERE id = ANY(CAST(:ids AS uuid[])) "
        "AND status NOT IN ('confirmed', 'delivered', 'cancelled', 'refunded')",
        ids=order_ids,
    )
    count = int(pending[0]["n"])
    held = await fleetdb.rows(
        fleetdb.url("agora_catalog"),
        "SELECT count(*) AS n FROM reservations WHERE order_id = ANY(CAST(:ids AS uuid[])) "
        "AND status = 'active'",
        ids=order_ids,
    )
    count += int(held[0]["n"])
    for database in ("agora_order", "agora_payment", "agora_catalog"):
        waiting = await fleetdb.rows(
            fleetdb.url(database), "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL"
        )
        count += int(waiting[0]["n"])
    return count


def check_order(
    order_id: str, order: dict[str, Any], found: list[dict[str, Any]], charged: int
) -> list[str]:
    """An order final and consistent with its (one) payment, charged at most once."""
    problems = []
    status = order["status"]
    payment = found[0] if found else None
    if status not in SETTLED:
        problems.append(f"order {order_id} is left {status}")
    if len(found) > 1:
        problems.append(f"order {order_id} has {len(found)} payments")
    if charged > 1:
        problems.append(f"order {order_id} was charged {charged} times")
    if status in PAID and not (
        payment is not None
        and payment["status"] == "succeeded"
        and payment["amount"] == order["total_amount"]
        and payment["refunded_amount"] == 0
        and charged == 1
    ):
        problems.append(f"order {order_id} is confirmed but its payment is {payment}")
    if status in ("cancelled", "refunded") and payment is not None and charged:
        kept = payment["amount"] - payment["refunded_amount"]
        if kept != 0:
            problems.append(f"order {order_id} is {status} but {kept} of its charge was kept")
    return problems


async def audit_events(order_ids: list[str]) -> list[str]:
    """Each of the saga's events published once per order (the outbox is what was)."""
    problems = []
    for database, event_type in (
        ("agora_order", "agora.order.order.placed.v1"),
        ("agora_order", "agora.order.order.confirmed.v1"),
        ("agora_payment", "agora.payment.payment.intent_created.v1"),
        ("agora_payment", "agora.payment.payment.succeeded.v1"),
        ("agora_payment", "agora.payment.payment.failed.v1"),
    ):
        twice = await fleetdb.rows(
            fleetdb.url(database),
            "SELECT event->'data'->>'order_id' AS id, count(*) AS n FROM outbox "
            "WHERE event_type = :type AND event->'data'->>'order_id' = ANY(:ids) "
            "GROUP BY 1 HAVING count(*) > 1",
            type=event_type,
            ids=order_ids,
        )
        problems += [f"{event_type} published {row['n']} times for {row['id']}" for row in twice]
    return problems


@dataclass
class DeadLetters:
    """The dead letters written since a run began, by whose event they hold. ``run``:
    events published since it began, the run's own, each a problem. ``earlier``: events
    published before it, which a consumer group read from a broker that another Agora
    shared before (tests/containers' fleets leave events their services had not
    consumed yet; ADR 0120): not the run's, reported apart."""

    run: list[str] = field(default_factory=list)
    earlier: list[str] = field(default_factory=list)


def _published(row: dict[str, Any]) -> datetime | None:
    """When the dead letter's event was published (its CloudEvents ``time``), if known."""
    try:
        return datetime.fromisoformat(str(row["published"]))
    except ValueError:
        return None


async def audit_dead_letters(since: datetime) -> DeadLetters:
    """The events dead-lettered by any service since ``since`` (the run's start): a dead
    letter is an event that no consumer handled, lost until an operator replays it.
    One line per dead letter; one whose event's time is unknown counts as the run's."""
    found = DeadLetters()
    for service in fleet.SERVICES:
        for row in await fleetdb.rows(
            fleetdb.url(f"agora_{service}"),
            "SELECT consumer, event_type, error, headers->>'ce_time' AS published, "
            "headers->>'ce_source' AS source FROM dead_letter WHERE created_at >= :since "
            "ORDER BY created_at",
            since=since,
        ):
            line = (
                f"{service} dead-lettered {row['event_type']} ({row['consumer']}), "
                f"published {row['published']} by {row['source']}: {str(row['error'])[:200]}"
            )
            published = _published(row)
            (found.earlier if published is not None and published < since else found.run).append(
                line
            )
    return found


async def audit_stock(
    shop: Shop, order_ids: list[str]
) -> tuple[Counter[str], dict[str, dict[str, Any]], list[str]]:
    """What is not on hand went to confirmed orders, nothing stays reserved, and no
    SKU is oversold."""
    problems = []
    sold: Counter[str] = Counter()
    for row in await fleetdb.rows(
        fleetdb.url("agora_order"),
        "SELECT l.sku, sum(l.quantity) AS n FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE o.id = ANY(CAST(:ids AS uuid[])) "
        "AND o.status IN ('confirmed', 'shipped', 'delivered') GROUP BY l.sku",
        ids=order_ids,
    ):
        sold[row["sku"]] = int(row["n"])
    stock = {
        row["sku"]: row
        for row in await fleetdb.rows(
            fleetdb.url("agora_catalog"),
            "SELECT sku, on_hand, reserved FROM inventory WHERE sku = ANY(:skus)",
            skus=sorted(shop.skus),
        )
    }
    for sku, start in shop.skus.items():
        level = stock[sku]
        if level["reserved"] != 0:
            problems.append(f"{sku}: {level['reserved']} still reserved")
        if level["on_hand"] < 0:
            problems.append(f"{sku}: oversold, {level['on_hand']} on hand")
        if level["on_hand"] + sold[sku] != start:
            problems.append(
                f"{sku}: {start} at the start, {sold[sku]} sold, but {level['on_hand']} on hand"
            )
    return sold, stock, problems


def overpaid(payment: dict[str, Any], payouts: list[dict[str, Any]]) -> int:
    """By how much ``net payouts + net fees + refunds`` exceeds what was captured (0
    when it does not): a payout's net amount is what it paid less what refunds took
    back, its net fee its fee less the fee's refunded share (rounded up)."""
    captured, refunded = int(payment["amount"]), int(payment["refunded_amount"])
    spent = refunded
    for payout in payouts:
        if payout["status"] == "cancelled":
            continue
        fee = int(payout["fee"])
        spent += int(payout["amount"]) - int(payout["reversed_amount"])
        spent += fee - (-(-fee * refunded // captured))
    return max(spent - captured, 0)


async def audit_payouts(
    orders: dict[str, dict[str, Any]], payments: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, Any], list[str]]:
    """Per order, never more paid out than collected; every delivered vendor paid."""
    problems = []
    by_payment: dict[str, list[dict[str, Any]]] = {}
    for row in await fleetdb.rows(
        fleetdb.url("agora_payment"),
        "SELECT payment_id, vendor_id, status, gross, fee, amount, reversed_amount "
        "FROM payouts WHERE payment_id = ANY(CAST(:ids AS uuid[]))",
        ids=[str(p["id"]) for ps in payments.values() for p in ps],
    ):
        by_payment.setdefault(str(row["payment_id"]), []).append(row)
    parcels = Counter(
        str(row["order_id"])
        for row in await fleetdb.rows(
            fleetdb.url("agora_order"),
            "SELECT order_id FROM sub_orders WHERE order_id = ANY(CAST(:ids AS uuid[]))",
            ids=list(orders),
        )
    )
    for order_id, found in payments.items():
        for payment in found:
            if payment["status"] != "succeeded":
                continue
            mine = by_payment.get(str(payment["id"]), [])
            over = overpaid(payment, mine)
            if over:
                problems.append(f"order {order_id}: {over} paid out beyond what was collected")
            if orders.get(order_id, {}).get("status") == "delivered" and (
                len(mine) != parcels[order_id] or any(p["status"] != "paid" for p in mine)
            ):
                problems.append(f"order {order_id} is delivered but its payouts are {mine}")
    negative = await fleetdb.rows(
        fleetdb.url("agora_payment"),
        "SELECT payment_id, sum(amount) AS n FROM ledger_entries "
        "WHERE account = 'provider_balance' GROUP BY payment_id HAVING sum(amount) < 0",
    )
    problems += [
        f"payment {row['payment_id']} paid out {-row['n']} more than it kept" for row in negative
    ]
    rows = [p for ps in by_payment.values() for p in ps]
    counts = {
        "payouts": dict(Counter(str(p["status"]) for p in rows)),
        "paid_out": sum(
            int(p["amount"]) - int(p["reversed_amount"]) for p in rows if p["status"] == "paid"
        ),
        "payout_invariant_violations": sum(1 for problem in problems if "beyond" in problem),
    }
    return counts, problems


async def audit(shop: Shop, order_ids: list[str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    orders = {
        str(row["id"]): row
        for row in await fleetdb.rows(
            fleetdb.url("agora_order"),
            "SELECT id, status, total_amount, refunded_amount, paid, coupon_code "
            "FROM orders WHERE id = ANY(CAST(:ids AS uuid[]))",
            ids=order_ids,
        )
    }
    if len(orders) != len(order_ids):
        problems.append(f"{len(order_ids) - len(orders)} placed orders are missing")
    payments: dict[str, list[dict[str, Any]]] = {}
    for row in await fleetdb.rows(
        fleetdb.url("agora_payment"),
        "SELECT id, order_id, status, amount, refunded_amount FROM payments "
        "WHERE order_id = ANY(CAST(:ids AS uuid[]))",
        ids=order_ids,
    ):
        payments.setdefault(str(row["order_id"]), []).append(row)
    charges = Counter(
        str(row["payment_id"])
        for row in await fleetdb.rows(
            fleetdb.url("agora_payment"),
            "SELECT DISTINCT payment_id, transaction_id FROM ledger_entries WHERE memo = 'charge'",
        )
    )
    for order_id, order in orders.items():
        found = payments.get(order_id, [])
        charged = charges[str(found[0]["id"])] if found else 0
        problems += check_order(order_id, order, found, charged)
    balance = await fleetdb.rows(
        fleetdb.url("agora_payment"), "SELECT coalesce(sum(amount), 0) AS n FROM ledger_entries"
    )
    if int(balance[0]["n"]) != 0:
        problems.append(f"the ledger sums to {balance[0]['n']}, not 0")
    unbalanced = await fleetdb.rows(
        fleetdb.url("agora_payment"),
        "SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING sum(amount) <> 0",
    )
    if unbalanced:
        problems.append(f"{len(unbalanced)} ledger transactions do not balance")

    problems += await audit_events(order_ids)
    payout_counts, payout_problems = await audit_payouts(orders, payments)
    problems += payout_problems
    sold, stock, stock_problems = await audit_stock(shop, order_ids)
    problems += stock_problems
    coupon = await fleetdb.rows(
        fleetdb.url("agora_order"),
        "SELECT count(*) AS n FROM coupon_redemptions WHERE code = :code",
        code=shop.coupon,
    )
    if int(coupon[0]["n"]) > COUPON_USES:
        problems.append(f"the coupon was redeemed {coupon[0]['n']} times, limit {COUPON_USES}")
    counts = {
        "orders": dict(Counter(str(order["status"]) for order in orders.values())),
        "payments": dict(Counter(str(p["status"]) for ps in payments.values() for p in ps)),
        "charges": sum(charges[str(p["id"])] for ps in payments.values() for p in ps),
        "refunded_orders": sum(
            1 for ps in payments.values() for p in ps if p["refunded_amount"] > 0
        ),
        "units_sold": sum(sold.values()),
        "units_on_hand": sum(int(level["on_hand"]) for level in stock.values()),
        "units_at_start": sum(shop.skus.values()),
        "coupon_redemptions": int(coupon[0]["n"]),
        "coupon_orders": sum(1 for order in orders.values() if order["coupon_code"]),
        **payout_counts,
    }
    return counts, problems
