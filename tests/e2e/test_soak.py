"""A minute of the soak (``agora-soak``, the short version of ``make soak``): the
journeys' mix through the gateway of ``agora run`` with no failed request, and a report
with every request type's percentiles and every process's memory over time. Memory
growth is not asserted here: a minute is all warm-up (``make soak`` judges it)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

REQUESTS = (
    "GET /products",
    "GET /search",
    "POST /cart/items",
    "GET /cart",
    "DELETE /cart/items/{sku}",
    "POST /checkout",
    "GET /orders",
    "GET /orders/{order_id}",
)
PROCESSES = (
    "agora run (services)",
    "agora run (gateway)",
    "PostgreSQL postmaster (RSS)",
    "PostgreSQL, all processes (USS)",
    "PostgreSQL, all processes (PSS, shared buffers included)",
)


def test_a_minute_of_the_journeys_mix_through_the_gateway_fails_nothing(tmp_path: Path) -> None:
    report = tmp_path / "soak.md"
    soak = subprocess.Popen(  # noqa: S603 - our own tool
        [
            str(Path(sys.executable).parent / "agora-soak"),
            *("--seconds", "60", "--warm-up", "20", "--sample", "5", "--users", "6"),
            *("--report", str(report)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = soak.communicate(timeout=540)
    finally:
        if soak.poll() is None:
            soak.send_signal(signal.SIGTERM)
            soak.communicate(timeout=60)
    assert out, err[-3000:]
    figures = json.loads(out.splitlines()[-1])
    print(json.dumps(figures, indent=2))
    assert figures["errors"] == 0, report.read_text() if report.exists() else err[-3000:]
    # Every request type of the mix was made, and none failed.
    for name in REQUESTS:
        assert figures["requests"][name]["count"] > 0, name
        assert figures["requests"][name]["failures"] == 0, name
        assert 0 < figures["requests"][name]["p50_ms"] <= figures["requests"][name]["p99_ms"]
    assert figures["requests"]["Aggregated"]["count"] >= 200
    # Memory of every process, sampled all along (every 5 s for a minute).
    assert set(figures["memory_mb"]) == set(PROCESSES)
    assert figures["samples"] >= 10
    for name in PROCESSES:
        assert figures["memory_mb"][name]["end"] > 1, name
    # The report has the same figures, in its tables.
    text = report.read_text()
    assert f"{figures['requests']['Aggregated']['count']} requests, 0 failed" in text
    for name in (*REQUESTS, *PROCESSES):
        assert f"| {name} |" in text, name
