"""The checkout benchmark runs and reports: a smoke run of ``checkout_bench.py`` with
two buyers for a moment. It asserts nothing about speed (figures live in docs/bench/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_checkout_bench_runs_and_reports(tmp_path: Path) -> None:
    report = tmp_path / "checkout.md"
    run = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "gateway" / "bench" / "checkout_bench.py"),
            "--buyers", "1,2", "--seconds", "2", "--stock", "100",
            "--report", str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    text = report.read_text()
    for column in ("checkout p50 ms", "checkout p99 ms", "placed -> confirmed p50 ms", "placed/s"):
        assert column in text
    assert "no oversell" in text, text
