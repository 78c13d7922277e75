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
3. meanwhile kills the order or the payment process (``--scenario every-part-kill``:
   the gateway and every service, in turn) at random intervals and restarts it after a
   random pause; with ``--broker-outages N``, also kills the Kafka broker N times
   during the run, for ``--broker-down`` seconds (30) each, and starts it again;
4. when every checkout is over, has each vendor ship and deliver its part of every
   confirmed order, so that vendors get paid (payouts are held until delivery);
5. waits for the fleet to settle and audits the databases: every order final and
   consistent with its payment, at most one intent and one charge per order, the
   ledger balanced, each of the saga's events published once, the coupon within its
   limit, every unit of stock either sold to a paid order or back on hand, every
   delivered vendor paid, and for every order ``net payouts + net fees + refunds <=
   captured`` (ADR 0045): the platform never pays out more than it collected; and
   every confirmed order's buyer told once, by one mail that arrived
   (``agora_tools.chaos_mail``).

It prints the counts and exits 1 when the audit finds anything wrong.

``--scenario agora-run-kill`` shops and audits the same way at an ``agora run`` that
it starts on a new data directory, and in step 3 kills ``agora run`` itself, with its
PostgreSQL every other time, ``--kills`` times, starting it again on the same data
directory (``agora_tools.chaos_agora_run``); that Agora holds only the run's orders,
so the audit takes every order in it, those no buyer heard of too.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from agora_tools import fleet, fleetdb, journeys, stripe_events
from agora_tools.chaos_audit import COUPON_USES, Shop, audit, audit_dead_letters, unsettled
from agora_tools.chaos_client import API, Outcome, checkout, request, ship_and_deliver, sign_in
from agora_tools.chaos_faults import VICTIMS, Chaos, Target, fleet_target
from agora_tools.chaos_mail import audit_notifications
from agora_tools.chaos_toxic import FAULTS, VICTIM_READS
from agora_tools.infra.base import say

# ---- the shop ----


def set_up(  # noqa: PLR0917 - the shop's knobs
    create_admin: Callable[[], journeys.Customer],
    gateway: httpx.Client,
    users: httpx.Client,
    buyers: int,
    stock: int,
    coupon_percent: int,
) -> Shop:
    admin = create_admin()
    journeys.log_in(users, admin)
    skus: dict[str, int] = {}
    vendors = []
    for index in range(2):
        vendor = journeys.register(users)
        vendors.append(vendor)
        journeys.log_in(users, vendor)
        journeys.open_store(gateway, vendor, admin)
        # Its payouts are held until its connected account may be paid (ADR 0104).
        stripe_events.connect_payouts(gateway, vendor, fleet.webhook_secret)
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


# ---- the run ----


async def every_order() -> list[str]:
    found = await fleetdb.rows(fleetdb.url("agora_order"), "SELECT id FROM orders")
    return [str(row["id"]) for row in found]


def settle(order_ids: list[str], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while asyncio.run(unsettled(order_ids)) and time.monotonic() < deadline:
        time.sleep(1)


def run(
    target: Target, checkouts: int, buyers: int, stock: int, seed: int, *, coupon_percent: int
) -> dict[str, Any]:
    """Set up the shop, shop while ``target.rampage`` plays, audit; the report."""
    since = datetime.now(UTC)
    with (
        httpx.Client(base_url=target.gateway_url, timeout=30) as gateway,
        httpx.Client(base_url=target.users_url, timeout=30) as users,
    ):
        shop = set_up(target.create_admin, gateway, users, buyers, stock, coupon_percent)
    if target.on_shop is not None:
        target.on_shop(shop)
    say(
        f"shop ready: {len(shop.skus)} SKUs of {stock}, {buyers} buyers, "
        f"coupon {shop.coupon} ({coupon_percent}% off)"
    )

    done = threading.Event()
    chaos = Chaos()
    outcomes: list[Outcome] = []
    monkey = threading.Thread(
        target=target.rampage,
        args=(done, chaos, lambda: len(outcomes) / checkouts),
        daemon=True,
    )
    failures: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()

    def shopper(index: int) -> None:
        mine = random.Random(seed * 1000 + index)  # noqa: S311
        turns = checkouts // buyers + (1 if index < checkouts % buyers else 0)
        with (
            httpx.Client(base_url=target.gateway_url, timeout=30) as client,
            httpx.Client(base_url=target.users_url, timeout=30) as users,
        ):
            for _ in range(turns):
                outcome = Outcome()
                try:
                    # A fresh access token, as a client refreshes it: a long run
                    # outlives the token's lifetime.
                    sign_in(users, shop.buyers[index], time.monotonic() + 600)
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
    target.wait_ready()

    order_ids = [o.order_id for o in outcomes if o.order_id]
    unseen = sorted(set(asyncio.run(every_order())) - set(order_ids)) if target.fresh else []
    order_ids += unseen
    settle(order_ids)
    with (
        httpx.Client(base_url=target.gateway_url, timeout=30) as gateway,
        httpx.Client(base_url=target.users_url, timeout=30) as users,
    ):
        parcels = ship_and_deliver(gateway, users, shop, order_ids)
    settle(order_ids)
    counts, problems, dead_letters = audit_run(shop, order_ids, target.mail_dir, since)
    problems += chaos.problems
    problems += [f"a checkout failed: {failure}" for failure in failures]
    problems += [f"order {order_id} was placed but no buyer heard of it" for order_id in unseen]
    for line in chaos.log:
        say(line)
    return {
        "checkouts": checkouts,
        "seconds": round(elapsed, 1),
        "kills": dict(chaos.kills),
        **chaos.figures,
        "outcomes": dict(Counter(o.status for o in outcomes)),
        "declined_cards_tried": sum(1 for o in outcomes if o.method == "pm_card_chargeDeclined"),
        "parcels_delivered": parcels,
        **counts,
        "dead_lettered": dead_letters,
        "problems": problems,
    }


def audit_run(
    shop: Shop, order_ids: list[str], mail_dir: Path | None, since: datetime
) -> tuple[dict[str, Any], list[str], list[str]]:
    """The audit of a run: its counts, its problems (its own dead letters among them),
    and those dead letters."""
    counts, problems = asyncio.run(audit(shop, order_ids))
    counts["notifications"], told = asyncio.run(audit_notifications(order_ids, mail_dir))
    dead = asyncio.run(audit_dead_letters(since))
    counts["dead_letters"] = len(dead.run)
    # Events another Agora on the same broker published before the run, which this
    # fleet's consumers read and could not handle (ADR 0120): reported, not the run's.
    counts["dead_letters_of_earlier_events"] = len(dead.earlier)
    counts["dead_lettered_earlier_events"] = dead.earlier
    return counts, problems + told + dead.run, dead.run


SCENARIOS = (
    "order-payment-kill",
    "every-part-kill",
    "rebalance",
    "agora-run-kill",
    *FAULTS,
    "skew",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="agora-chaos",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default=SCENARIOS[0],
        help="order-payment-kill: on the fleet `agora-fleet up` started, kill order and "
        "payment; every-part-kill: the same, killing every part (the gateway and the five "
        "services) in turn; rebalance: scale one service (--victim) from 1 process to 3 "
        "and back to 1 (SIGTERM), its consumer group rebalancing; agora-run-kill: start "
        "`agora run` on a new data directory and kill it whole, PostgreSQL every other "
        "time (see agora_tools.chaos_agora_run); slow-db: one "
        "service's PostgreSQL (--victim) made slow, then cut off, through toxiproxy; "
        "slow-stripe: the same for the payment service's Stripe (see agora_tools.chaos_toxic); "
        "skew: one service's clock (--victim) --skew seconds off (see agora_tools.chaos_skew)",
    )
    parser.add_argument(
        "--victim",
        choices=sorted(VICTIM_READS),
        default="order",
        help="slow-db: the service whose database is made slow and cut off; rebalance: the "
        "service scaled out and back in; skew: the service whose clock is off",
    )
    parser.add_argument(
        "--skew",
        type=int,
        default=120,
        help="skew: seconds the victim's clock is ahead of the others' (negative: behind)",
    )
    parser.add_argument(
        "--latency", type=int, default=5000, help="slow-db, slow-stripe: ms added to each answer"
    )
    parser.add_argument(
        "--fault-seconds",
        type=float,
        default=30.0,
        help="slow-db, slow-stripe: seconds slow, and then as long cut off",
    )
    parser.add_argument(
        "--p99-bound",
        type=float,
        default=2.0,
        help="slow-db, slow-stripe: seconds the unaffected route's p99 may reach meanwhile",
    )
    parser.add_argument("--checkouts", type=int, default=200)
    parser.add_argument("--buyers", type=int, default=10, help="checking out at once")
    # About 400 units are wanted in 200 checkouts: the last buyers find them sold out.
    parser.add_argument("--stock", type=int, default=80, help="units of each of four SKUs")
    parser.add_argument(
        "--pause", type=float, default=3.0, help="on the fleet: mean seconds between kills"
    )
    parser.add_argument(
        "--kills", type=int, default=5, help="agora-run-kill: how many times it is killed"
    )
    parser.add_argument(
        "--broker-outages",
        type=int,
        default=0,
        help="on the fleet: how many times the Kafka broker is killed meanwhile",
    )
    parser.add_argument(
        "--broker-down", type=float, default=30.0, help="on the fleet: seconds each outage lasts"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="agora-run-kill: a new or empty data directory (by default a temporary one, "
        "removed when the audit finds nothing)",
    )
    parser.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(2), "big"))
    parser.add_argument(
        "--coupon-percent", type=int, default=50, help="the run's coupon, percent off"
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning, module="platformdirs")
    say(f"seed {args.seed}")
    if args.scenario == "agora-run-kill":
        from agora_tools.chaos_agora_run import play

        report = play(args)
    elif args.scenario in FAULTS:
        from agora_tools.chaos_toxic import play as play_fault

        if not fleet.wait_ready():
            return 1
        report = play_fault(args, run)
    elif args.scenario == "skew":
        from agora_tools.chaos_skew import play as play_skew

        if not fleet.wait_ready():
            return 1
        report = play_skew(args, run)
    else:
        if not fleet.wait_ready():
            return 1
        report = run(
            fleet_target(
                args.pause,
                args.seed,
                VICTIMS[args.scenario],
                outages=args.broker_outages,
                outage_seconds=args.broker_down,
                scaled=args.victim if args.scenario == "rebalance" else None,
            ),
            args.checkouts,
            args.buyers,
            args.stock,
            args.seed,
            coupon_percent=args.coupon_percent,
        )
    print(json.dumps(report, indent=2))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
