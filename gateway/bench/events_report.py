"""The event benchmark's figures and report (``docs/bench/events.md``): each round's
latencies from the clock, the median round per transport and load, the table."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchkit import commit, percentile, say
from events_pipeline import Clock

# The goal of the performance issue, at the steady load, in milliseconds.
GOAL_P50 = 10.0
GOAL_P99 = 50.0


@dataclass
class Phase:
    transport: str
    load: str
    events: int
    handled: int
    seconds: float
    # Milliseconds: commit to handler start, and its stages.
    latencies: list[float]
    to_published: list[float]
    published_to_handled: list[float]
    to_handler_commit: list[float]
    # CPU per handled event: this process (both services, relay, transport clients)
    # and PostgreSQL's (every backend).
    cpu_ms: float = 0.0
    postgres_cpu_ms: float = 0.0

    @property
    def rate(self) -> float:
        return self.handled / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Row:
    """A load's figures on one transport: each the median of its rounds'."""

    transport: str
    load: str
    events: int
    handled: int
    rate: float
    p50: float
    p99: float
    max: float
    published_p50: float
    published_p99: float
    handler_commit_p50: float
    handler_commit_p99: float
    cpu_ms: float
    postgres_cpu_ms: float


def median(values: Sequence[float]) -> float:
    return sorted(values)[len(values) // 2] if values else 0.0


def median_row(rounds: list[Phase]) -> Row:
    def each(figure: Callable[[Phase], float]) -> float:
        return median([figure(p) for p in rounds])

    return Row(
        transport=rounds[0].transport,
        load=rounds[0].load,
        events=sum(p.events for p in rounds),
        handled=sum(p.handled for p in rounds),
        rate=each(lambda p: p.rate),
        p50=each(lambda p: percentile(p.latencies, 0.5)),
        p99=each(lambda p: percentile(p.latencies, 0.99)),
        max=each(lambda p: max(p.latencies, default=0.0)),
        published_p50=each(lambda p: percentile(p.to_published, 0.5)),
        published_p99=each(lambda p: percentile(p.to_published, 0.99)),
        handler_commit_p50=each(lambda p: percentile(p.to_handler_commit, 0.5)),
        handler_commit_p99=each(lambda p: percentile(p.to_handler_commit, 0.99)),
        cpu_ms=each(lambda p: p.cpu_ms),
        postgres_cpu_ms=each(lambda p: p.postgres_cpu_ms),
    )


def summarise(transport: str, load: str, clock: Clock, seqs: list[int]) -> Phase:
    done = [s for s in seqs if s in clock.handled and s in clock.committed]
    commits = [clock.committed[s] for s in seqs if s in clock.committed]
    span = max((clock.handled[s] for s in done), default=0.0) - min(commits, default=0.0)
    phase = Phase(
        transport=transport,
        load=load,
        events=len(seqs),
        handled=len(done),
        seconds=max(span, 0.0),
        latencies=[(clock.handled[s] - clock.committed[s]) * 1000 for s in done],
        to_published=[
            (clock.published[s] - clock.committed[s]) * 1000 for s in done if s in clock.published
        ],
        published_to_handled=[
            (clock.handled[s] - clock.published[s]) * 1000 for s in done if s in clock.published
        ],
        to_handler_commit=[
            (clock.handler_committed[s] - clock.committed[s]) * 1000
            for s in done
            if s in clock.handler_committed
        ],
    )
    say(
        f"{transport}, {load}: {phase.handled}/{phase.events} handled, "
        f"{phase.rate:,.0f} events/s, p50 {percentile(phase.latencies, 0.5):.2f} ms, "
        f"p99 {percentile(phase.latencies, 0.99):.2f} ms, "
        f"max {max(phase.latencies, default=0.0):.2f} ms"
    )
    return phase


def write_report(
    path: Path, rows: list[Row], args: argparse.Namespace, load: tuple[float, float]
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        "# The event pipeline",
        "",
        f"`make bench` (`gateway/bench/events_bench.py`), {now:%Y-%m-%d %H:%M} UTC, "
        f"commit {commit()}.",
        "",
        "From an event's commit to its handler: a producing service writes the event to",
        "its outbox in a committed transaction, the relay (woken by the commit) publishes",
        "it, the consuming service's `EventConsumer` records it in its inbox and runs the",
        "handler. Both services, the relay and the transport clients run in this one",
        "process (as `agora run`), on a durable embedded PostgreSQL (fsync on); Kafka is",
        "the single-node broker of `tools/infra up`, with the transport's shipped settings",
        "(`acks=all`, idempotent producer, `read_committed` consumers), six partitions.",
        f"Events are keyed over {args.keys} aggregates. Steady: {args.rate:g} events/s for "
        f"{args.seconds:g} s, each its own",
        "transaction, written on schedule whatever the backlog (open loop). Burst: "
        f"{args.burst} events",
        f"at once from {args.writers} concurrent writers. {args.rounds} rounds of each, after "
        "a warm-up of 20",
        "events not counted; each figure is the median of the rounds'.",
        f"On this machine ({os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}), shared with other work (load",
        f"average {load[0]:.1f} at the start, {load[1]:.1f} at the end): figures of "
        "different runs differ by",
        "more than the tables' precision, and a busy machine moves p99 most.",
        "",
        "Latency is the handler's start less the commit of the event's transaction (one",
        "monotonic clock); events/s is the events handled over the time from the first",
        'commit to the last handler. "to published" ends when the transport accepted the',
        "message (the relay's share); \"to handler commit\" ends when the handler's",
        "transaction, with its inbox row, committed. CPU is this process's (both services,",
        "the relay, the transport's clients) and PostgreSQL's, per event handled.",
        "",
        "| transport | load | handled | events/s | p50 ms | p99 ms | max ms "
        "| to published p50 / p99 | to handler commit p50 / p99 "
        "| CPU ms/event: process / PostgreSQL |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r.transport} | {r.load} | {r.handled}/{r.events} | {r.rate:,.0f} | "
            f"{r.p50:.2f} | {r.p99:.2f} | {r.max:.2f} | "
            f"{r.published_p50:.2f} / {r.published_p99:.2f} | "
            f"{r.handler_commit_p50:.2f} / {r.handler_commit_p99:.2f} | "
            f"{r.cpu_ms:.2f} / {r.postgres_cpu_ms:.2f} |"
        )
    verdicts = [
        f"{r.transport} {'meets' if r.p50 <= GOAL_P50 and r.p99 <= GOAL_P99 else 'misses'} it"
        for r in rows
        if r.load.startswith("steady")
    ]
    lines += [
        "",
        f"The goal is p50 at most {GOAL_P50:g} ms and p99 at most {GOAL_P99:g} ms on both "
        "transports at the",
        "steady load; the burst shows how a backlog drains (its latency includes the wait",
        f"behind the events written before). In this run: {', '.join(verdicts)}.",
        "",
        "Where the time goes and what was done about it: ADRs 0080 and 0089",
        "(`docs/adr/0080-event-pipeline-latency.md`, in-process consumer rounds in 0089).",
        "",
        "Reproduce: `make bench` (or `uv run python gateway/bench/events_bench.py`; "
        "`--help` lists the knobs).",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    say(f"report written to {path}")
