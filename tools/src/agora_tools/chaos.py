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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from agora_tools import fleet, fleetdb, journeys
from agora_tools.chaos_audit import COUPON_USES, Shop, audit, unsettled
from agora_tools.chaos_client import API, Outcome, checkout, request, ship_and_deliver
from agora_tools.infra.base import HOST, say
from agora_tools.infra.postgres import Postgres

VICTIMS = ("order", "payment")


@dataclass
class Chaos:
    kills: Counter[str] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)


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
    customers = journeys.buyers_for(users, gateway, skus, buyers)
    return Shop(admin=admin, skus=skus, coupon=coupon, buyers=customers, vendors=vendors)


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
