"""The event pipeline benchmark runs and reports each transport: a smoke run of
``gateway/bench/events_bench.py`` at a tiny size. It asserts nothing about speed
(figures live in docs/bench/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from agora_tools.pytest_plugin import KafkaServer

ROOT = Path(__file__).resolve().parents[2]


def run_bench(report: Path, *extra: str) -> str:
    run = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "gateway" / "bench" / "events_bench.py"),
            "--rate", "20", "--seconds", "0.5", "--burst", "10", "--writers", "2",
            "--rounds", "1", "--drain", "60", "--report", str(report), *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return report.read_text()


def rows(text: str) -> set[tuple[str, str]]:
    cells = [line.strip("| ").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return {(c[0], c[1].split()[0]) for c in cells if c[0] not in ("transport", "---")}


def test_the_event_bench_runs_and_reports_the_in_process_transport(tmp_path: Path) -> None:
    text = run_bench(tmp_path / "events.md", "--transports", "inprocess")
    assert rows(text) == {("inprocess", "steady"), ("inprocess", "burst")}, text
    for column in ("p50 ms", "p99 ms", "events/s"):
        assert column in text


def test_the_event_bench_runs_and_reports_kafka(tmp_path: Path, kafka_server: KafkaServer) -> None:
    text = run_bench(
        tmp_path / "events.md", "--transports", "kafka", "--kafka", kafka_server.bootstrap_servers
    )
    assert rows(text) == {("kafka", "steady"), ("kafka", "burst")}, text
