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


def test_the_ladder_runs_and_reports_every_door(run_bench: Callable[..., str]) -> None:
    text = run_bench("gateway_bench.py", "--seconds", "1", "--rounds", "1", "--connections", "4")
    rows = {
        line.split(" | ")[0].lstrip("| ") for line in text.splitlines() if line.startswith("| ")
    }
    assert set(DOORS) <= rows, text
    for column in ("p50 ms", "p99 ms", "CPU ms/request", "vs floor"):
        assert column in text
    assert "agora run with its PostgreSQL" in text
