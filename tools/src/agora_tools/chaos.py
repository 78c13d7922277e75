"""``agora-chaos``: checkouts on the running fleet while the order and payment processes
are killed (SIGKILL) at random moments and started again; then an audit of the books.

Against a fleet that ``agora-fleet up`` started (same environment: ``AGORA_FLEET_HOME``,
the ports), it

1. sets up, through the gateway: an admin (``agora user create-admin``), two approved
   vendors with two products each, scarce stock (less than the buyers will want), a
   coupon with a use limit (``--coupon-percent`` off, 50 by default), and buyers
   (registered at the user service directly: the gateway rightly limits sign-ups per
   address);
2. runs ``--checkouts`` checkouts, ``--buyers`` at a time, each as a client would: fill
   the cart, check out with an Idempotency-Key (the same key on every retry), wait for
   the payment intent, confirm with ``pm_card_visa`` or, now and then,
   ``pm_card_chargeDeclined``, and wait for the order to be final. A request that
   fails (the process is dead, the gateway answers 502/503) is retried as a client
   would. When the provider leaves a payment ``processing`` (Stripe on stripe-mock),
   it plays Stripe and delivers the signed webhook, retrying until it is taken;
3. meanwhile kills the order or the payment process at random intervals and restarts
   it after a random pause;
4. when every checkout is over, has each vendor ship and deliver its part of every
   confirmed order, so that vendors get paid (payouts are held until delivery);
5. waits for the fleet to settle and audits the databases: every order final and
   consistent with its payment, at most one intent and one charge per order, the
   ledger balanced, each of the saga's events published once, the coupon within its
   limit, every unit of stock either sold to a paid order or back on hand, every
   delivered vendor paid, and for every order ``net payouts + net fees + refunds <=
   captured`` (ADR 0045): the platform never pays out more than it collected.

It prints the counts and exits 1 when the audit finds anything wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import threading
import time
import warnings
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from agora_tools import fleet, fleetdb, journeys
from agora_tools.infra.base import HOST, say
from agora_tools.infra.postgres import Postgres

API = journeys.API
VICTIMS = ("order", "payment")
FINAL = ("confirmed", "cancelled", "refunded")
# Paid orders, before or after the vendors shipped and delivered them.
PAID = ("confirmed", "shipped", "delivered")
SETTLED = (*FINAL, "delivered")
COUPON_USES = 25
# The gateway answers these while an upstream is down or its breaker is open; a
# client retries them (and 429 after the time it is told).
RETRYABLE = {429, 500, 502, 503, 504}


@dataclass
class Shop:
    admin: journeys.Customer
    skus: dict[str, int]  # SKU -> stock at the start
    coupon: str
    buyers: list[journeys.Customer]
    vendors: list[journeys.Customer] = field(default_factory=list)


@dataclass
class Outcome:
    order_id: str | None = None
    method: str = ""
    status: str = "not placed"
    note: str = ""


@dataclass
class Chaos:
    kills: Counter[str] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    ok: set[int],
    step: str,
    deadline: float,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """``method url`` until it answers one of ``ok``; a transport error or a status in
    RETRYABLE is retried, anything else raises JourneyFailed."""
    while True:
        try:
            answer = client.request(method, url, headers=dict(headers or {}), **kwargs)
        except httpx.TransportError:
            answer = None
        if answer is not None:
            if answer.status_code in ok:
                return answer
            if answer.status_code not in RETRYABLE:
                raise journeys.JourneyFailed(f"{step}: {answer.status_code} {answer.text[:300]}")
        if time.monotonic() > deadline:
            raise journeys.JourneyFailed(f"{step}: no usable answer before the deadline")
        pause = 0.3
        if answer is not None and answer.status_code == 429:
            pause = float(answer.headers.get("Retry-After", "1") or 1)
        time.sleep(pause)


# ---- the shop ----


def set_up(
    gateway: httpx.Client, users: httpx.Client, buyers: int, stock: int, coupon_percent: int
) -> Shop:
    admin = fleetdb.create_admin()
    journeys.log_in(users, admin)
    skus: dict[str, int] = {}
    vendors = []
    for index in range(2):
        vendor = journeys.register(users)
        vendors.append(vendor)
        journeys.log_in(users, vendor)
        journeys.open_store(gateway, vendor, admin)
        for price in (1250 + index * 500, 2990 - index * 700):
            skus[journeys.sell(gateway, vendor, admin, amount=price, stock=stock)] = stock
    coupon = f"CHAOS{secrets.token_hex(3).upper()}"
    request(
        gateway,
        "POST",
        f"{API}/admin/coupons",
        ok={201},
        step="create the coupon",
        deadline=time.monotonic() + 60,
        headers={"Authorization": f"Bearer {admin.access_token}"},
        json={
            "code": coupon,
            "kind": "percent",
            "value": coupon_percent,
            "max_uses": COUPON_USES,
        },
    )
    customers = []
    for _ in range(buyers):
        buyer = journeys.register(users)
        journeys.log_in(users, buyer)
        customers.append(buyer)
    for sku in skus:
        journeys.wait_until_sold(gateway, customers[0], sku)
    return Shop(admin=admin, skus=skus, coupon=coupon, buyers=customers, vendors=vendors)


# ---- one checkout, as a client with retries ----


def play_stripe(client: httpx.Client, payment_id: str, method: str, deadline: float) -> None:
    """What Stripe sends once it has decided a payment: the signed webhook (one event),
    again and again until it is taken (Stripe retries for days)."""
    intent = fleetdb.intent_id(payment_id)
    secret = fleet.webhook_secret()
    event_id = f"evt_{secrets.token_hex(12)}"
    while True:
        try:
            answer = journeys.stripe_webhook(
                client,
                secret,
                intent,
                succeeded=method != "pm_card_chargeDeclined",
                event_id=event_id,
            )
        except httpx.TransportError:
            answer = None
        if answer is not None and answer.status_code == 200:
            return
        if answer is not None and answer.status_code not in RETRYABLE:
            raise journeys.JourneyFailed(f"webhook: {answer.status_code} {answer.text[:300]}")
        if time.monotonic() > deadline:
            raise journeys.JourneyFailed("webhook: not taken before the deadline")
        time.sleep(0.3)


def empty_cart(client: httpx.Client, auth: dict[str, str], deadline: float) -> None:
    cart = request(
        client, "GET", f"{API}/cart", ok={200}, step="cart", deadline=deadline, headers=auth
    ).json()
    for item in cart.get("items") or []:
        request(
            client,
            "DELETE",
            f"{API}/cart/items/{item['sku']}",
            ok={200, 404},
            step="empty the cart",
            deadline=deadline,
            headers=auth,
        )


def order_status(
    client: httpx.Client, auth: dict[str, str], order_id: str, deadline: float
) -> dict[str, Any]:
    body: dict[str, Any] = request(
        client,
        "GET",
        f"{API}/orders/{order_id}",
        ok={200},
        step="order",
        deadline=deadline,
        headers=auth,
    ).json()
    return body


def wait_order(
    client: httpx.Client,
    auth: dict[str, str],
    order_id: str,
    deadline: float,
    *,
    payable: bool,
) -> dict[str, Any]:
    """The order once it is final (or, with ``payable``, awaits payment with an intent)."""
    while True:
        body = order_status(client, auth, order_id, deadline)
        if body["status"] in FINAL:
            return body
        payment = body.get("payment") or {}
        if payable and body["status"] == "awaiting_payment" and payment.get("payment_id"):
            return body
        if time.monotonic() > deadline:
            raise journeys.JourneyFailed(f"order {order_id} still {body['status']}")
        time.sleep(0.4)


def checkout(
    client: httpx.Client,
    shop: Shop,
    buyer: journeys.Customer,
    rng: random.Random,
    *,
    outcome: Outcome,
    limit: float,
) -> None:
    """One checkout, as a client; what happened goes into ``outcome`` as it happens."""
    deadline = time.monotonic() + limit
    auth = {"Authorization": f"Bearer {buyer.access_token}"}
    outcome.method = "pm_card_chargeDeclined" if rng.random() < 0.15 else "pm_card_visa"
    empty_cart(client, auth, deadline)
    for sku in rng.sample(sorted(shop.skus), rng.choice((1, 2))):
        added = request(
            client,
            "POST",
            f"{API}/cart/items",
            ok={200, 409},
            step="add to cart",
            deadline=deadline,
            headers=auth,
            json={"sku": sku, "quantity": rng.choice((1, 1, 2))},
        )
        if added.status_code == 409:
            outcome.note = "sold out at the cart"
    body: dict[str, Any] = {"shipping_address": journeys.ADDRESS}
    if rng.random() < 0.4:
        body["coupon_code"] = shop.coupon
    key = secrets.token_hex(12)
    while True:
        placed = request(
            client,
            "POST",
            f"{API}/checkout",
            ok={202, 409, 422},
            step="checkout",
            deadline=deadline,
            headers={**auth, "Idempotency-Key": key},
            json=body,
        )
        if placed.status_code == 422 and "coupon_code" in body:
            body.pop("coupon_code")  # used up: check out without it, under a new key
            key = secrets.token_hex(12)
            continue
        break
    if placed.status_code != 202:
        outcome.status = "refused at checkout"
        outcome.note = placed.json().get("detail", "")
        return
    outcome.order_id = str(placed.json()["id"])
    order = wait_order(client, auth, outcome.order_id, deadline, payable=True)
    if order["status"] == "awaiting_payment":
        payment_id = str(order["payment"]["payment_id"])
        # One key for every retry of this confirmation (a killed payment service).
        confirm_key = secrets.token_hex(12)
        paid = request(
            client,
            "POST",
            f"{API}/payments/{payment_id}/confirm",
            ok={200, 402, 409},
            step="confirm",
            deadline=deadline,
            headers={**auth, "Idempotency-Key": confirm_key},
            json={"payment_method": outcome.method},
        )
        if paid.status_code == 200 and paid.json().get("status") == "processing":
            play_stripe(client, payment_id, outcome.method, deadline)
        order = wait_order(client, auth, outcome.order_id, deadline, payable=False)
    outcome.status = str(order["status"])


# ---- the chaos ----


def rampage(done: threading.Event, chaos: Chaos, rng: random.Random, pause: float) -> None:
    """Kill the order or the payment process (each in turn, in a random order each round)
    at random moments, and start it again after a random pause."""
    postgres = Postgres()
    victims: list[str] = []
    while not done.wait(rng.uniform(pause / 2, pause * 1.5)):
        if not victims:
            victims = rng.sample(VICTIMS, len(VICTIMS))
        victim = victims.pop()
        pid = fleet.kill_part(victim)
        if pid is None:
            continue
        chaos.kills[victim] += 1
        chaos.log.append(f"{time.strftime('%H:%M:%S')} killed {victim} (pid {pid})")
        time.sleep(rng.uniform(0, 2))
        fleet.start_part(victim, postgres, migrate=False)
        fleet.wait_ready((victim,))


# ---- shipping, so that vendors get paid ----


def ship_and_deliver(
    gateway: httpx.Client, users: httpx.Client, shop: Shop, order_ids: list[str]
) -> int:
    """Each vendor ships its part of every paid order of the run, then, once every
    parcel is on its way, delivers it (payouts are held until delivery); the number of
    parcels delivered."""
    ours, delivered = set(order_ids), 0
    deadline = time.monotonic() + 600
    for step in ("ship", "deliver"):
        for vendor in shop.vendors:
            journeys.log_in(users, vendor)
            auth = {"Authorization": f"Bearer {vendor.access_token}"}
            for sub in sub_orders(gateway, auth, deadline):
                if sub["order_id"] not in ours or sub["order_status"] not in PAID:
                    continue
                body = {"carrier": "DHL", "tracking_number": f"JD{secrets.token_hex(6)}"}
                request(
                    gateway,
                    "POST",
                    f"{API}/vendor/orders/{sub['id']}/{step}",
                    ok={200, 409},  # 409: done already, by a retry
                    step=step,
                    deadline=deadline,
                    headers=auth,
                    json=body if step == "ship" else None,
                )
                delivered += step == "deliver"
    return delivered


def sub_orders(
    gateway: httpx.Client, auth: dict[str, str], deadline: float
) -> list[dict[str, Any]]:
    """Every paid sub-order of the vendor, following ``next_cursor`` to the end."""
    subs: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = request(
            gateway,
            "GET",
            f"{API}/vendor/orders",
            ok={200},
            step="sub-orders",
            deadline=deadline,
            headers=auth,
            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
        ).json()
        subs += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return subs


# ---- the audit ----


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


# ---- the run ----


def run(
    checkouts: int, buyers: int, stock: int, pause: float, seed: int, *, coupon_percent: int
) -> int:
    gateway_url = f"http://{HOST}:{fleet.port('gateway')}"
    users_url = f"http://{HOST}:{fleet.port('user')}"
    if not fleet.wait_ready():
        return 1
    with (
        httpx.Client(base_url=gateway_url, timeout=30) as gateway,
        httpx.Client(base_url=users_url, timeout=30) as users,
    ):
        shop = set_up(gateway, users, buyers, stock, coupon_percent)
    say(
        f"shop ready: {len(shop.skus)} SKUs of {stock}, {buyers} buyers, "
        f"coupon {shop.coupon} ({coupon_percent}% off)"
    )

    done = threading.Event()
    chaos = Chaos()
    monkey = threading.Thread(
        target=rampage,
        args=(done, chaos, random.Random(seed + 1), pause),  # noqa: S311 - not cryptography
        daemon=True,
    )
    outcomes: list[Outcome] = []
    failures: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()

    def shopper(index: int) -> None:
        mine = random.Random(seed * 1000 + index)  # noqa: S311
        turns = checkouts // buyers + (1 if index < checkouts % buyers else 0)
        with (
            httpx.Client(base_url=gateway_url, timeout=30) as client,
            httpx.Client(base_url=users_url, timeout=30) as users,
        ):
            for _ in range(turns):
                outcome = Outcome()
                try:
                    # A fresh access token, as a client refreshes it: a long run
                    # outlives the token's lifetime.
                    journeys.log_in(users, shop.buyers[index])
                    checkout(client, shop, shop.buyers[index], mine, outcome=outcome, limit=600)
                except journeys.JourneyFailed as exc:
                    outcome.status = "failed"
                    with lock:
                        failures.append(str(exc))
                with lock:
                    outcomes.append(outcome)

    monkey.start()
    with ThreadPoolExecutor(max_workers=buyers) as pool:
        list(pool.map(shopper, range(buyers)))
    done.set()
    monkey.join()
    elapsed = time.monotonic() - started
    fleet.wait_ready()

    order_ids = [o.order_id for o in outcomes if o.order_id]
    deadline = time.monotonic() + 180
    while asyncio.run(unsettled(order_ids)) and time.monotonic() < deadline:
        time.sleep(1)
    with (
        httpx.Client(base_url=gateway_url, timeout=30) as gateway,
        httpx.Client(base_url=users_url, timeout=30) as users,
    ):
        parcels = ship_and_deliver(gateway, users, shop, order_ids)
    deadline = time.monotonic() + 180
    while asyncio.run(unsettled(order_ids)) and time.monotonic() < deadline:
        time.sleep(1)
    counts, problems = asyncio.run(audit(shop, order_ids))
    problems += [f"a checkout failed: {failure}" for failure in failures]
    report = {
        "checkouts": checkouts,
        "seconds": round(elapsed, 1),
        "kills": dict(chaos.kills),
        "outcomes": dict(Counter(o.status for o in outcomes)),
        "declined_cards_tried": sum(1 for o in outcomes if o.method == "pm_card_chargeDeclined"),
        "parcels_delivered": parcels,
        **counts,
        "problems": problems,
    }
    print(json.dumps(report, indent=2))
    for line in chaos.log:
        say(line)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agora-chaos", description=__doc__)
    parser.add_argument("--checkouts", type=int, default=200)
    parser.add_argument("--buyers", type=int, default=10, help="checking out at once")
    # About 400 units are wanted in 200 checkouts: the last buyers find them sold out.
    parser.add_argument("--stock", type=int, default=80, help="units of each of four SKUs")
    parser.add_argument("--pause", type=float, default=3.0, help="mean seconds between kills")
    parser.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(2), "big"))
    parser.add_argument(
        "--coupon-percent", type=int, default=50, help="the run's coupon, percent off"
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning, module="platformdirs")
    say(f"seed {args.seed}")
    return run(
        args.checkouts,
        args.buyers,
        args.stock,
        args.pause,
        args.seed,
        coupon_percent=args.coupon_percent,
    )


if __name__ == "__main__":
    sys.exit(main())
