"""The event pipeline benchmark runs and reports each transport: a smoke run of
``gateway/bench/events_bench.py`` at a tiny size. It asserts nothing about speed
(figures live in docs/bench/)."""

from __future__ import annotations

from collections.abc import Callable

from agora_tools.pytest_plugin import KafkaServer

TINY = [
    *("--rate", "20", "--seconds", "0.5", "--burst", "10", "--writers", "2"),
    *("--rounds", "1", "--drain", "60"),
]


def rows(text: str) -> set[tuple[str, str]]:
    cells = [line.strip("| ").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return {(c[0], c[1].split()[0]) for c in cells if c[0] not in ("transport", "---")}


def test_the_event_bench_runs_and_reports_the_in_process_transport(
    run_bench: Callable[..., str],
) -> None:
    text = run_bench("events_bench.py", *TINY, "--transports", "inprocess")
    assert rows(text) == {("inprocess", "steady"), ("inprocess", "burst")}, text
    for column in ("p50 ms", "p99 ms", "events/s"):
        assert column in text


def test_the_event_bench_runs_and_reports_kafka(
    run_bench: Callable[..., str], kafka_server: KafkaServer
) -> None:
    kafka = ("--transports", "kafka", "--kafka", kafka_server.bootstrap_servers)
    text = run_bench("events_bench.py", *TINY, *kafka)
    assert rows(text) == {("kafka", "steady"), ("kafka", "burst")}, text
