"""The benchmark ladder runs and reports every door: a smoke run of ``make bench`` with
one short round. It asserts nothing about speed (figures live in docs/bench/)."""

from __future__ import annotations

from collections.abc import Callable

DOORS = (
    "floor: FastAPI + asyncpg",
    "catalog, direct",
    "gateway of agora run",
    "gateway, own process",
    "nginx in front of the catalog",
)

SERVICES = ("USER", "CATALOG", "ORDER", "PAYMENT", "NOTIFICATION")


def test_the_ladder_runs_and_reports_every_door(run_bench: Callable[..., str]) -> None:
    # The report's memory after the load waits for the pools to close what it opened;
    # a short idle time keeps that wait short here.
    text = run_bench(
        "gateway_bench.py",
        *("--seconds", "1", "--rounds", "1", "--connections", "4", "--settle-seconds", "5"),
        env={f"AGORA_{part}_DATABASE_POOL_IDLE_SECONDS": "2" for part in SERVICES},
    )
    rows = {
        line.split(" | ")[0].lstrip("| ") for line in text.splitlines() if line.startswith("| ")
    }
    assert set(DOORS) <= rows, text
    for column in ("p50 ms", "p99 ms", "CPU ms/request", "vs floor"):
        assert column in text
    assert "agora run with its PostgreSQL" in text
