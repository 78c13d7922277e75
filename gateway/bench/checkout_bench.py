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

``--py-spy DIR`` records py-spy profiles (raw, for flamegraph.pl or speedscope) of each
process of ``agora run`` during the last level; ``--postgres-setting NAME=VALUE`` tries a
reloadable PostgreSQL setting. The analysis under "Where the time goes" in the
report is written by hand and kept when the figures are rewritten.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from benchkit import (
    cpu_seconds,
    free_port,
    machine_cpu,
    own_cpu,
    percentile,
    process_cpu,
    say,
    second_process,
    server_pids,
    start_py_spy,
    wait_ready,
)
from checkout_report import write_report
from checkout_shop import (
    API,
    FINAL,
    PAYMENT_METHOD,
    Level,
    Shop,
    audit_stock,
    measure_orders,
    set_up,
    settle,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from agora_tools import fleetdb, journeys
from agora_tools.processes import stop

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("gateway", "user", "catalog", "order", "payment", "notification")


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


async def committed(url: str) -> dict[str, int]:
    """Transactions committed so far by each Agora database of the server."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT datname, xact_commit FROM pg_stat_database WHERE datname LIKE 'agora%'"
                )
            )
            return {name: int(count) for name, count in rows}
    finally:
        await engine.dispose()


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
        spies = []
        if args.py_spy and index == len(args.buyers) - 1:
            profiled = {"agora-run": fleet_pid, "second-process": second_process(fleet_pid)}
            spies = [
                start_py_spy(pid, args.seconds, args.py_spy / f"{name}-{buyers}.raw")
                for name, pid in profiled.items()
                if pid is not None
            ]
        # A backend reports its counts when idle at the latest 10 s after: wait them out.
        await asyncio.sleep(args.stats_wait)
        commits_before = await committed(fleet.urls["postgres"])
        pg = server_pids(str(fleet.data_dir), besides=fleet_pid)
        agora_before, pg_before = cpu_seconds([fleet_pid]), cpu_seconds(pg)
        ours_before, machine_before = agora_before + pg_before + own_cpu(), machine_cpu()
        second = second_process(fleet_pid)
        loop_before = process_cpu(fleet_pid)
        second_before = process_cpu(second) if second else 0.0
        window_start = datetime.datetime.now(datetime.UTC)
        await run_level(fleet.gateway_url, urls["order"], shop, level, args.seconds)
        level.services_cores = (process_cpu(fleet_pid) - loop_before) / level.seconds
        if second:
            level.second_cores = (process_cpu(second) - second_before) / level.seconds
        placed = max(len(level.order_ids), 1)
        level.cpu_agora_ms = (cpu_seconds([fleet_pid]) - agora_before) * 1000 / placed
        level.cpu_postgres_ms = (cpu_seconds(pg) - pg_before) * 1000 / placed
        ours = cpu_seconds([fleet_pid]) + cpu_seconds(pg) + own_cpu() - ours_before
        level.others_cores = max(machine_cpu() - machine_before - ours, 0) / level.seconds
        for spy in spies:
            spy.wait(timeout=120)
        level.settle_seconds = await settle(
            urls["order"], urls["catalog"], level.order_ids, args.settle_limit
        )
        await measure_orders(urls["order"], level, window_start)
        await asyncio.sleep(args.stats_wait)
        commits_after = await committed(fleet.urls["postgres"])
        level.commits = {
            name: (count - commits_before.get(name, 0)) / placed
            for name, count in sorted(commits_after.items())
        }
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
    parser.add_argument(
        "--stats-wait",
        type=float,
        default=11.0,
        help="seconds to wait before reading the databases' counts, for every backend to"
        " report its own (at the latest 10 s after it went idle)",
    )
    parser.add_argument("--py-spy", type=Path, help="record a profile of the last level here")
    parser.add_argument(
        "--postgres-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an experiment: a reloadable PostgreSQL setting for the run (ALTER SYSTEM)",
    )
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "bench" / "checkout.md")
    parser.add_argument(
        "--keep-workdir",
        action="store_true",
        help="leave the data directory (and PostgreSQL's log) behind, and say where",
    )
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
    urls = {
        "order": f"{database}/agora_order",
        "catalog": f"{database}/agora_catalog",
        "postgres": f"{database}/postgres",
    }
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
        admin = fleetdb.create_admin_in_run(data_dir, env)
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
        if args.keep_workdir:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
