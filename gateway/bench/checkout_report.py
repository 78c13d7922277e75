"""The checkout benchmark's report, ``docs/bench/checkout.md``: the figures of each
level, rewritten on every run, and the analysis under "Where the time goes", written
by hand and kept."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
from collections import Counter

from benchkit import commit, percentile, say
from checkout_shop import PAYMENT_METHOD, Level, Shop

ANALYSIS = "## Where the time goes"


# ---- the report ----


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
        f"commit {commit()}.",
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
        "- **CPU ms/checkout**: user+system time of `agora run` (its two processes, all",
        "  six parts) and of its PostgreSQL over the window, per order placed.",
        "- **services' loop, cores**: CPU of `agora run`'s own process (user, catalog and",
        "  order on one event loop) over the window, in cores: near 1.0 that one loop is",
        "  saturated, whatever the machine has; **second process, cores**: the same for",
        "  its second process (the gateway, notification and payment; ADR 0129).",
        "- **other work, cores**: CPU the rest of the machine used meanwhile (not `agora",
        "  run`, its PostgreSQL or the buyers): the machine is shared, and this says how",
        "  much of it these figures had.",
        "",
        "| buyers | orders | checkout p50 ms | checkout p99 ms | placed -> confirmed p50 ms "
        "| placed -> confirmed p99 ms | placed/s | confirmed/s | settle s "
        "| CPU ms/checkout agora run | CPU ms/checkout PostgreSQL | services' loop, cores "
        "| second process, cores | other work, cores | refused |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | --- |",
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
            f"{level.cpu_postgres_ms:.1f} | {level.services_cores:.2f} | "
            f"{level.second_cores:.2f} | {level.others_cores:.2f} | {refused} |"
        )
    names = sorted({name for level in levels for name in level.commits})
    if names:
        lines += [
            "",
            "Transactions committed per order placed, by database, from the start of the",
            "level until its orders were final (`pg_stat_database.xact_commit`; the bench's",
            "own queries of the order database end in rollbacks and are not counted; a",
            "statement outside a transaction counts as one):",
            "",
            "| buyers | " + " | ".join(names) + " | all |",
            "| ---: | " + " | ".join("---:" for _ in names) + " | ---: |",
        ]
        for level in levels:
            counts = [level.commits.get(name, 0.0) for name in names]
            lines.append(
                f"| {level.buyers} | "
                + " | ".join(f"{count:.1f}" for count in counts)
                + f" | {sum(counts):.1f} |"
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
