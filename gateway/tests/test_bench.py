"""The benchmark ladder runs and reports every door: a smoke run of ``make bench`` with
one short round. It asserts nothing about speed (figures live in docs/bench/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOORS = (
    "floor: FastAPI + asyncpg",
    "catalog, direct",
    "gateway of agora run",
    "gateway, own process",
    "nginx in front of the catalog",
)


def test_the_ladder_runs_and_reports_every_door(tmp_path: Path) -> None:
    report = tmp_path / "ladder.md"
    run = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "gateway" / "bench" / "gateway_bench.py"),
            "--seconds", "1", "--rounds", "1", "--connections", "4",
            "--report", str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    text = report.read_text()
    rows = {
        line.split(" | ")[0].lstrip("| ") for line in text.splitlines() if line.startswith("| ")
    }
    assert set(DOORS) <= rows, text
    for column in ("p50 ms", "p99 ms", "CPU ms/request", "vs floor"):
        assert column in text
    assert "agora run with its PostgreSQL" in text
