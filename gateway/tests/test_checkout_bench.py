"""The checkout benchmark runs and reports: a smoke run of ``checkout_bench.py`` with
two buyers for a moment. It asserts nothing about speed (figures live in docs/bench/)."""

from __future__ import annotations

from collections.abc import Callable


def test_the_checkout_bench_runs_and_reports(run_bench: Callable[..., str]) -> None:
    text = run_bench(
        "checkout_bench.py",
        *("--buyers", "1,2", "--seconds", "2", "--stock", "100", "--stats-wait", "1"),
    )
    columns = ("checkout p50 ms", "placed -> confirmed p50 ms", "placed/s", "second process, cores")
    for column in columns:
        assert column in text
    assert "| buyers | agora_catalog | agora_events |" in text, text
    assert "no oversell" in text, text
