"""The checkout benchmark: N concurrent buyers through the gateway of ``agora run``.

One run starts ``agora run`` on a fresh data directory (a seeded shop, the sandbox
payment provider, the gateway's rate limits raised out of the way), then sets up,
through the gateway as the journeys do: an admin, two approved vendors selling four
SKUs each with ample stock, and buyers (registered and logged in at the user service,
which the gateway rightly limits per address).

For each N of the ladder (``--buyers``, 1, 5, 20, 50 by default), N buyers run at once
(one ``httpx.AsyncClient``) for ``--seconds``, each again and again: add one unit of a
random SKU to the cart, then ``POST /checkout`` with ``payment_method`` (the payment
service confirms the sandbox payment itself, no other call), then wait until the
order is final before the next one: N buyers, N orders in flight at most (the wait is
one query of the order database every 20 ms for all of them, to keep polling load off
the gateway being measured). Once the window is over the bench waits for every order
to be final, then reads from the order database each order's own
timestamps: ``placed_at`` and the moment the saga logged it ``confirmed``
(``order_transitions``). Per N it reports:

- POST /checkout latency, p50 and p99, as the buyer saw it;
- placed -> confirmed, p50 and p99, from the order's timestamps;
- checkouts/s: orders placed per second of the window, and orders confirmed within
  the window per second (what the saga kept up with);
- CPU per checkout of ``agora run`` and of its PostgreSQL.

At the end it audits the stock: for every SKU, nothing still reserved, nothing below
zero, and units on hand plus units sold to confirmed orders equal the stock at the
start (no oversell, nothing lost). The report goes to ``docs/bench/checkout.md``.

``--py-spy DIR`` records a py-spy profile (raw, for flamegraph.pl or speedscope) of
``agora run`` during the last level; ``--postgres-setting NAME=VALUE`` tries a
reloadable PostgreSQL setting. The analysis under "Where the time goes" in the
report is written by hand and kept when the figures are rewritten.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import math
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from benchkit import cpu_seconds, free_port, say, stop, wait_ready
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from agora_tools import fleetdb, journeys

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("gateway", "user", "catalog", "order", "payment", "notification")
API = journeys.API
FINAL = ("confirmed", "cancelled", "refunded")
PAYMENT_METHOD = "pm_card_visa"
ANALYSIS = "## Where the time goes"


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
    # Cores busy with anything but agora run, its PostgreSQL and the bench itself:
    # the rest of the machine's work, which these figures shared the cores with.
    others_cores: float = 0.0


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def postgres_pids(data_dir: Path) -> list[int]:
    """The embedded PostgreSQL's processes (pg_ctl started them: nobody's children)."""
    pids = []
    for process in psutil.process_iter(["cmdline"]):
        if str(data_dir) in " ".join(process.info["cmdline"] or []):
            pids.append(process.pid)
    return pids


def own_cpu() -> float:
    """User + system CPU of the bench (the buyers) so far."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy so far, all cores (time stolen by
    the hypervisor counts: the machine did not have it)."""
    times = psutil.cpu_times()
    busy = ("user", "nice", "system", "irq", "softirq", "steal")
    return float(sum(getattr(times, name, 0.0) for name in busy))


# ---- the shop ----


def create_admin(agora: str, data_dir: Path, env: dict[str, str]) -> journeys.Customer:
    """The first admin, made as an operator makes it (``agora user create-admin``)."""
    email = f"admin-{secrets.token_hex(6)}@example.com"
    done = subprocess.run(  # noqa: S603 - our own CLI
        [agora, "user", "create-admin", "--email", email, "--data-dir", str(data_dir)],
        env={**env, "AGORA_ADMIN_PASSWORD": journeys.PASSWORD},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"create-admin: {done.stderr}{done.stdout}")
    return journeys.Customer(email=email, user_id="")


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
    customers = []
    for _ in range(buyers):
        buyer = journeys.register(users)
        journeys.log_in(users, buyer)
        customers.append(buyer)
    for sku in skus:
        journeys.wait_until_sold(gateway, customers[0], sku)
    return Shop(admin=admin, skus=skus, buyers=customers)


# ---- the buyers ----


class Watcher:
    """Tells a buyer when its order is final: one query of the order database every
    ``pause`` seconds for every order in flight (a client would poll the order or
    listen to its feed; this keeps that load off the gateway being measured)."""

    def __init__(self, order_url: str, pause: float = 0.02) -> None:
        self.engine = create_async_engine(order_url, pool_size=1)
        self.pause = pause
        self.waiting: dict[str, asyncio.Future[str]] = {}

    async def final(self, order_id: str) -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.waiting[order_id] = future
        return await future

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.pause)
            if not self.waiting:
                continue
            async with self.engine.connect() as connection:
                result = await connection.execute(
                    text(
                        "SELECT id::text AS id, status FROM orders "
                        "WHERE id = ANY(CAST(:ids AS uuid[])) AND status = ANY(:final)"
                    ),
                    {"ids": list(self.waiting), "final": list(FINAL)},
                )
                for row in result:
                    future = self.waiting.pop(row.id, None)
                    if future is not None and not future.done():
                        future.set_result(row.status)


@dataclass
class Round:
    """What the buyers of one level share."""

    client: httpx.AsyncClient
    watcher: Watcher
    skus: list[str]
    until: float
    level: Level


async def buyer_loop(run: Round, buyer: journeys.Customer, rng: random.Random) -> None:
    """Add a unit to the cart, check out with a payment method, wait for the order to
    be final; again until the round is over."""
    client, level = run.client, run.level
    auth = {"Authorization": f"Bearer {buyer.access_token}"}
    body = {"shipping_address": journeys.ADDRESS, "payment_method": PAYMENT_METHOD}
    while time.monotonic() < run.until:
        added = await client.post(
            f"{API}/cart/items", json={"sku": rng.choice(run.skus), "quantity": 1}, headers=auth
        )
        if added.status_code != 200:
            level.refused[f"add to cart {added.status_code}"] += 1
            await asyncio.sleep(0.1)
            continue
        started = time.perf_counter()
        placed = await client.post(
            f"{API}/checkout",
            json=body,
            headers={**auth, "Idempotency-Key": secrets.token_hex(12)},
        )
        elapsed = (time.perf_counter() - started) * 1000
        if placed.status_code != 202:
            detail = placed.json().get("detail", "") if placed.content else ""
            level.refused[f"checkout {placed.status_code} {str(detail)[:60]}".strip()] += 1
            await asyncio.sleep(0.1)
            continue
        level.checkout_ms.append(elapsed)
        order_id = str(placed.json()["id"])
        level.order_ids.append(order_id)
        await asyncio.wait_for(run.watcher.final(order_id), timeout=120)


async def run_level(
    gateway_url: str, order_url: str, shop: Shop, level: Level, seconds: float
) -> None:
    buyers = shop.buyers[: level.buyers]
    skus = sorted(shop.skus)
    limits = httpx.Limits(max_connections=level.buyers, max_keepalive_connections=level.buyers)
    watcher = Watcher(order_url)
    watching = asyncio.create_task(watcher.run())
    try:
        async with httpx.AsyncClient(base_url=gateway_url, timeout=60, limits=limits) as client:
            run = Round(client, watcher, skus, time.monotonic() + seconds, level)
            # Each buyer's choice of SKUs, the same from run to run.
            await asyncio.gather(
                *(buyer_loop(run, buyer, random.Random(n)) for n, buyer in enumerate(buyers))  # noqa: S311
            )
            level.seconds = seconds
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
        await watcher.engine.dispose()


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


# ---- the report ----


def commit_of_root() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()


def write_report(
    args: argparse.Namespace, levels: list[Level], shop: Shop, sold: int, problems: list[str]
) -> None:
    path = args.report
    now = datetime.datetime.now(datetime.UTC)
    stock = sum(shop.skus.values())
    lines = [
        "# The checkout benchmark",
        "",
        f"`make bench` (`gateway/bench/checkout_bench.py`), {now:%Y-%m-%d %H:%M} UTC, "
        f"commit {commit_of_root() or 'unknown'}.",
        "",
        f"`agora run` on a fresh data directory, on this machine ({os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}); the sandbox payment",
        "provider; the gateway's rate limits raised out of the way. N buyers at once",
        "(one `httpx.AsyncClient` in the bench process, on the same cores as `agora run`",
        "and its PostgreSQL), each for "
        f"{args.seconds:g} s again and again: add one unit of one of {len(shop.skus)} SKUs",
        "(two vendors, ample stock) to the cart, then `POST /checkout` with",
        f"`payment_method: {PAYMENT_METHOD}` and an Idempotency-Key, through the gateway.",
        "Each buyer then waits until its order is final (order placed -> stock reserved ->",
        "payment created and confirmed by the sandbox -> order confirmed) before the next:",
        "at most N orders in flight. The wait is one query of the order database every",
        "20 ms for all buyers, not polling through the gateway being measured.",
        "",
        "- **checkout p50 / p99**: latency of `POST /checkout` as the buyer saw it.",
        "- **placed -> confirmed p50 / p99**: from the order's own timestamps, `placed_at`",
        "  and the time the saga logged the move to `confirmed` (`order_transitions.at`,",
        "  the start of that transaction), over every order of the level.",
        "- **placed/s**: orders accepted (202) per second of the window; **confirmed/s**:",
        "  those confirmed before the window closed, per second: what the saga kept up with.",
        "- **settle s**: how long after the window the last order became final.",
        "- **CPU ms/checkout**: user+system time of `agora run` (all six parts, one",
        "  process) and of its PostgreSQL over the window, per order placed.",
        "- **other work, cores**: CPU the rest of the machine used meanwhile (not `agora",
        "  run`, its PostgreSQL or the buyers): the machine is shared, and this says how",
        "  much of it these figures had.",
        "",
        "| buyers | orders | checkout p50 ms | checkout p99 ms | placed -> confirmed p50 ms "
        "| placed -> confirmed p99 ms | placed/s | confirmed/s | settle s "
        "| CPU ms/checkout agora run | CPU ms/checkout PostgreSQL | other work, cores "
        "| refused |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- |",
    ]
    for level in levels:
        placed = len(level.order_ids)
        refused = ", ".join(f"{why}: {n}" for why, n in sorted(level.refused.items())) or "-"
        lines.append(
            f"| {level.buyers} | {placed} | {percentile(level.checkout_ms, 0.5):.0f} | "
            f"{percentile(level.checkout_ms, 0.99):.0f} | "
            f"{percentile(level.confirm_ms, 0.5):.0f} | {percentile(level.confirm_ms, 0.99):.0f} | "
            f"{placed / level.seconds:.1f} | {level.confirmed_in_window / level.seconds:.1f} | "
            f"{level.settle_seconds:.1f} | {level.cpu_agora_ms:.1f} | "
            f"{level.cpu_postgres_ms:.1f} | {level.others_cores:.2f} | {refused} |"
        )
    statuses = Counter[str]()
    for level in levels:
        statuses.update(level.statuses)
    lines += [
        "",
        "Orders by final status: "
        + ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
        + ".",
        "",
        f"Stock: {stock:,} units at the start over {len(shop.skus)} SKUs, {sold:,} sold to "
        f"confirmed orders; "
        + (
            "on hand + sold = start for every SKU, none reserved, none below zero: no oversell."
            if not problems
            else "PROBLEMS: " + "; ".join(problems)
        ),
        "",
    ]
    if args.postgres_setting:
        lines += ["PostgreSQL settings for this run: " + ", ".join(args.postgres_setting), ""]
    if args.py_spy:
        lines += [f"Profile of the last level (py-spy, raw): `{args.py_spy}`.", ""]
    lines += [
        "Reproduce: `make bench` (or `uv run python gateway/bench/checkout_bench.py`;",
        "`--buyers 1,5,20,50 --seconds 20`, `--py-spy DIR` for a profile of the last level).",
        "",
    ]
    # The analysis written by hand below the figures outlives a new run.
    kept = path.read_text().partition(ANALYSIS)[2] if path.exists() else ""
    if kept:
        lines += [ANALYSIS + kept.rstrip("\n"), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    say(f"report written to {path}")


# ---- the run ----


async def configure_postgres(url: str, settings: list[str]) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for setting in settings:
                name, _, value = setting.partition("=")
                if not name.isidentifier():
                    raise SystemExit(f"not a setting: {setting}")
                quoted = value.replace("'", "''")
                await connection.execute(text(f"ALTER SYSTEM SET {name} = '{quoted}'"))
            await connection.execute(text("SELECT pg_reload_conf()"))
    finally:
        await engine.dispose()


def start_py_spy(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    out.parent.mkdir(parents=True, exist_ok=True)
    # py-spy where installed, else as a uv tool (the Makefile's uv: python3 -m uv).
    installed = shutil.which("py-spy")
    uv = [shutil.which("uv") or ""] if shutil.which("uv") else ["python3", "-m", "uv"]
    command = [installed, "record"] if installed else [*uv, "tool", "run", "py-spy", "record"]
    command += ["-p", str(pid), "-d", str(int(seconds)), "-r", "200", "-f", "raw"]
    with out.with_suffix(".log").open("ab") as log:
        return subprocess.Popen([*command, "-o", str(out)], stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


@dataclass
class Fleet:
    """The running ``agora run``: its gateway, its process, its data, its databases."""

    gateway_url: str
    pid: int
    data_dir: Path
    urls: dict[str, str]


async def ladder(args: argparse.Namespace, shop: Shop, fleet: Fleet) -> list[Level]:
    urls, fleet_pid = fleet.urls, fleet.pid
    levels = []
    for index, buyers in enumerate(args.buyers):
        level = Level(buyers)
        say(f"{buyers} buyer(s) for {args.seconds:g} s")
        spy = None
        if args.py_spy and index == len(args.buyers) - 1:
            spy = start_py_spy(fleet_pid, args.seconds, args.py_spy / f"agora-run-{buyers}.raw")
        pg = postgres_pids(fleet.data_dir)
        agora_before, pg_before = cpu_seconds([fleet_pid]), cpu_seconds(pg)
        ours_before, machine_before = agora_before + pg_before + own_cpu(), machine_cpu()
        window_start = datetime.datetime.now(datetime.UTC)
        await run_level(fleet.gateway_url, urls["order"], shop, level, args.seconds)
        placed = max(len(level.order_ids), 1)
        level.cpu_agora_ms = (cpu_seconds([fleet_pid]) - agora_before) * 1000 / placed
        level.cpu_postgres_ms = (cpu_seconds(pg) - pg_before) * 1000 / placed
        ours = cpu_seconds([fleet_pid]) + cpu_seconds(pg) + own_cpu() - ours_before
        level.others_cores = max(machine_cpu() - machine_before - ours, 0) / level.seconds
        if spy is not None:
            spy.wait(timeout=120)
        level.settle_seconds = await settle(
            urls["order"], urls["catalog"], level.order_ids, args.settle_limit
        )
        await measure_orders(urls["order"], level, window_start)
        say(
            f"{buyers} buyer(s): {len(level.order_ids)} orders, checkout p50 "
            f"{percentile(level.checkout_ms, 0.5):.0f} ms p99 "
            f"{percentile(level.checkout_ms, 0.99):.0f} ms; placed -> confirmed p50 "
            f"{percentile(level.confirm_ms, 0.5):.0f} ms p99 "
            f"{percentile(level.confirm_ms, 0.99):.0f} ms; "
            f"{len(level.order_ids) / level.seconds:.1f} placed/s, "
            f"{level.confirmed_in_window / level.seconds:.1f} confirmed/s; "
            f"settled in {level.settle_seconds:.1f} s; {dict(level.refused) or 'none refused'}"
        )
        levels.append(level)
    return levels


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--buyers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 5, 20, 50],
        help="the ladder of concurrent buyers, comma-separated",
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--stock", type=int, default=100_000, help="units per SKU")
    parser.add_argument("--settle-limit", type=float, default=300)
    parser.add_argument("--py-spy", type=Path, help="record a profile of the last level here")
    parser.add_argument(
        "--postgres-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an experiment: a reloadable PostgreSQL setting for the run (ALTER SYSTEM)",
    )
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "bench" / "checkout.md")
    args = parser.parse_args()
    agora = str(Path(sys.executable).parent / "agora")
    workdir = Path(tempfile.mkdtemp(prefix="agora-checkout-bench-"))
    data_dir = workdir / "data"
    ports = {part: free_port() for part in PARTS}
    postgres_port = free_port()
    unlimited = "100000000/minute"
    env = {
        **os.environ,
        **{f"AGORA_{part.upper()}_PORT": str(port) for part, port in ports.items()},
        "AGORA_POSTGRES_PORT": str(postgres_port),
        "AGORA_LOG_LEVEL": "WARNING",
        "AGORA_PAYMENT_PROVIDER": "sandbox",
        "AGORA_GATEWAY_RATE_LIMIT_ANONYMOUS": unlimited,
        "AGORA_GATEWAY_RATE_LIMIT_USER": unlimited,
    }
    database = f"postgresql+asyncpg://postgres@127.0.0.1:{postgres_port}"
    urls = {"order": f"{database}/agora_order", "catalog": f"{database}/agora_catalog"}
    fleet = None
    try:
        say("seeding a shop")
        subprocess.run(  # noqa: S603
            [agora, "seed", "--data-dir", str(data_dir), "--products", "50"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        say(f"starting the fleet (agora run), data in {workdir}")
        with (workdir / "fleet.log").open("ab") as log:
            fleet = subprocess.Popen(  # noqa: S603
                [agora, "run", "--data-dir", str(data_dir)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        for part in PARTS:
            wait_ready(f"http://127.0.0.1:{ports[part]}/readyz")
        gateway_url = f"http://127.0.0.1:{ports['gateway']}"
        if args.postgres_setting:
            asyncio.run(configure_postgres(f"{database}/postgres", args.postgres_setting))
        admin = create_admin(agora, data_dir, env)
        say(f"setting up two vendors and {max(args.buyers)} buyers")
        with (
            httpx.Client(base_url=gateway_url, timeout=60) as gateway,
            httpx.Client(base_url=f"http://127.0.0.1:{ports['user']}", timeout=60) as users,
        ):
            shop = set_up(gateway, users, admin, buyers=max(args.buyers), stock=args.stock)
        running = Fleet(gateway_url, fleet.pid, data_dir, urls)
        levels = asyncio.run(ladder(args, shop, running))
        sold, problems = asyncio.run(audit_stock(urls["order"], urls["catalog"], shop))
        write_report(args, levels, shop, sold, problems)
        if problems:
            say("stock audit: " + "; ".join(problems))
            return 1
    finally:
        stop(fleet)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
