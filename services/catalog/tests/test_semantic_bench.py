"""The search-by-meaning benchmark runs and reports: a smoke run of
``bench/semantic_bench.py`` on a sample of the labelled set and a small catalog, on
both backends (the tests' Elasticsearch). It asserts nothing about recall or speed
(figures live in docs/bench/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "semantic_bench.py"


@pytest.mark.integration
def test_the_semantic_bench_runs_and_reports(tmp_path: Path, elasticsearch_server: Any) -> None:
    report = tmp_path / "semantic.md"
    arguments = [
        "--elasticsearch-url",
        elasticsearch_server.url,
        "--products",
        "300",
        "--rounds",
        "1",
        "--sample",
        "28",
        "--queries",
        "3",
        "--report",
        str(report),
    ]
    done = subprocess.run(  # noqa: S603 - our own benchmark
        [sys.executable, str(BENCH), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = report.read_text()
    assert "## Recall@10 on the labelled set" in text
    assert "| mode | PostgreSQL recall@10 | Elasticsearch recall@10 |" in text, text
    for mode in ("| text |", "| vector |", "| hybrid |"):
        assert text.count(mode) == 2, text  # a recall row and a latency row
    assert "## Latency at 300 products" in text, text
    assert "Elasticsearch got the same 300 documents" in text, text
