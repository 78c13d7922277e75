"""``make bench``, events: from an event's commit to its handler, on each transport.

A service writes an event to its outbox in the transaction of the change it announces
(``Outbox.add``); the relay publishes the committed row to the transport; the
consuming service's ``EventConsumer`` records it in its inbox and runs the handler.
This measures that path as the fleet wires it (``create_service_app``: the relay woken
by the commit, the shipped poll intervals and producer settings), on a durable
embedded PostgreSQL (fsync on, as ``agora run``) and, for Kafka, on the broker
``tools/infra up`` runs (started here when none answers).

Per transport, two loads, each after a warm-up that is not counted:
- steady: ``--rate`` events/s for ``--seconds``, each its own transaction, open loop
  (an event is written at its time whether or not the ones before it were handled);
- burst: ``--burst`` events at once, written by ``--writers`` concurrent transactions.

Latency is the handler's start less the commit of the event's transaction (both on
this process's monotonic clock); the report also splits it at the moment the
transport accepted the message, and gives the commit of the handler's transaction.
Events are keyed over ``--keys`` aggregates, as orders or products would be.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import functools
import json
import logging
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from benchkit import cpu_seconds, free_port, say
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.events import EventPayload
from agora_kit.db import Database, after_commit
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent, Message
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.events.kafka import KafkaTransport
from agora_kit.events.outbox import Outbox
from agora_kit.events.relay import OutboxRelay
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.events.transport import LagCallback, MessageHandler, Subscription, Transport
from agora_kit.metrics import ServiceMetrics
from agora_kit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
TRANSPORTS = ("inprocess", "kafka")
# The goal of the performance issue, at the steady load, in milliseconds.
GOAL_P50 = 10.0
GOAL_P99 = 50.0


class BenchTick(EventPayload):
    event_type: ClassVar[str] = "bench.tick"
    topic: ClassVar[str] = "bench.ticks"

    seq: int


@dataclass
class Clock:
    """When each event (by sequence number) passed each point of the pipeline."""

    committed: dict[int, float] = field(default_factory=dict)
    published: dict[int, float] = field(default_factory=dict)
    handled: dict[int, float] = field(default_factory=dict)
    handler_committed: dict[int, float] = field(default_factory=dict)
    all_handled: asyncio.Event = field(default_factory=asyncio.Event)
    expected: set[int] = field(default_factory=set)

    def expect(self, seqs: Sequence[int]) -> None:
        self.expected = set(seqs)
        self.all_handled.clear()

    @staticmethod
    def stamp(times: dict[int, float], seq: int) -> None:
        """Note the first time ``seq`` got here (an at-least-once pipeline may repeat)."""
        times.setdefault(seq, time.perf_counter())

    def mark_handled(self, seq: int, at: float) -> None:
        self.handled.setdefault(seq, at)
        if self.expected and self.expected <= self.handled.keys():
            self.all_handled.set()


class TimedTransport:
    """The transport under test, noting when it accepted each bench event."""

    def __init__(self, inner: Transport, clock: Clock) -> None:
        self.inner = inner
        self.clock = clock
        self.name = inner.name

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def check(self) -> None:
        await self.inner.check()

    async def publish(self, message: Message) -> None:
        await self.inner.publish(message)
        if message.header("ce_type") == BenchTick.event_type:
            seq = int(json.loads(message.value)["seq"])
            self.clock.stamp(self.clock.published, seq)

    async def subscribe(
        self,
        group: str,
        topics: Sequence[str],
        handler: MessageHandler,
        *,
        on_lag: LagCallback | None = None,
    ) -> Subscription:
        return await self.inner.subscribe(group, topics, handler, on_lag=on_lag)


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


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Pipeline:
    """A producing service (database, outbox, relay) and a consuming one (database,
    inbox, handler) on one transport, wired as ``create_service_app`` wires them."""

    def __init__(
        self,
        producer_url: str,
        consumer_url: str,
        producer_transport: Transport,
        consumer_transport: Transport,
        clock: Clock,
    ) -> None:
        settings = ServiceSettings()
        self.clock = clock
        self.producer_db = Database(producer_url, pool_size=settings.database_pool_size)
        self.consumer_db = Database(consumer_url, pool_size=settings.database_pool_size)
        self.producer_transport = TimedTransport(producer_transport, clock)
        self.consumer_transport = consumer_transport
        self.outbox = Outbox(source="/agora/bench-producer")
        self.relay = OutboxRelay(
            self.producer_db,
            self.producer_transport,
            ServiceMetrics("bench-producer"),
            poll_seconds=settings.outbox_poll_seconds,
        )
        self.outbox.notify_on_commit(self.relay.wake)
        self.consumer = EventConsumer(
            self.consumer_db,
            ServiceMetrics("bench-consumer"),
            group=f"bench-consumer-{uuid.uuid4().hex[:8]}",
        )

        @self.consumer.on(BenchTick)
        async def handle(session: AsyncSession, payload: BenchTick, event: CloudEvent) -> None:
            now = time.perf_counter()
            clock.mark_handled(payload.seq, now)
            after_commit(
                session, functools.partial(clock.stamp, clock.handler_committed, payload.seq)
            )

    async def start(self) -> None:
        for database in (self.producer_db, self.consumer_db):
            async with database.engine.begin() as conn:
                await conn.run_sync(event_metadata.create_all)
        await self.producer_transport.start()
        if self.consumer_transport is not self.producer_transport.inner:
            await self.consumer_transport.start()
        await self.consumer.start(self.consumer_transport)
        self.relay.start()

    async def stop(self) -> None:
        await self.relay.stop()
        await self.consumer.stop()
        if self.consumer_transport is not self.producer_transport.inner:
            await self.consumer_transport.close()
        await self.producer_transport.close()
        await self.producer_db.dispose()
        await self.consumer_db.dispose()

    async def write(self, seq: int, keys: int) -> None:
        """One event in one committed transaction, as a service's request writes it."""
        async with self.producer_db.transaction() as session:
            after_commit(session, functools.partial(self.clock.stamp, self.clock.committed, seq))
            await self.outbox.add(session, BenchTick(seq=seq), key=f"bench-{seq % keys}")

    async def wait_handled(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.clock.all_handled.wait(), timeout=seconds)
        except TimeoutError:
            missing = len(self.clock.expected - self.clock.handled.keys())
            say(f"{missing} event(s) not handled after {seconds:.0f} s")


async def run_steady(
    pipeline: Pipeline, first: int, rate: float, seconds: float, keys: int
) -> list[int]:
    count = max(1, round(rate * seconds))
    seqs = list(range(first, first + count))
    pipeline.clock.expect(seqs)
    start = time.perf_counter()
    writes: list[asyncio.Task[None]] = []
    for index, seq in enumerate(seqs):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        writes.append(asyncio.create_task(pipeline.write(seq, keys)))
    await asyncio.gather(*writes)
    return seqs


async def run_burst(
    pipeline: Pipeline, first: int, count: int, writers: int, keys: int
) -> list[int]:
    seqs = list(range(first, first + count))
    pipeline.clock.expect(seqs)
    queue = iter(seqs)

    async def writer() -> None:
        for seq in queue:
            await pipeline.write(seq, keys)

    await asyncio.gather(*(writer() for _ in range(writers)))
    return seqs


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


@dataclass
class Cpu:
    postgres_pid: int
    process: float = 0.0
    postgres: float = 0.0

    def start(self) -> None:
        self.process = time.process_time()
        self.postgres = cpu_seconds([self.postgres_pid])

    def charge(self, phase: Phase) -> None:
        if phase.handled:
            phase.cpu_ms = (time.process_time() - self.process) * 1000 / phase.handled
            postgres = cpu_seconds([self.postgres_pid]) - self.postgres
            phase.postgres_cpu_ms = postgres * 1000 / phase.handled


async def measure(
    name: str, pipeline: Pipeline, args: argparse.Namespace, warmup_seconds: float, cpu: Cpu
) -> list[Row]:
    await pipeline.start()
    try:
        # Warm-up: connections, the topic, the consumer group's assignment.
        pipeline.clock.expect(list(range(-20, 0)))
        for seq in range(-20, 0):
            await pipeline.write(seq, args.keys)
        await pipeline.wait_handled(warmup_seconds)
        steady: list[Phase] = []
        burst: list[Phase] = []
        for number in range(args.rounds):
            cpu.start()
            first = number * 100_000
            seqs = await run_steady(pipeline, first, args.rate, args.seconds, args.keys)
            await pipeline.wait_handled(args.drain)
            load = f"steady {args.rate:g}/s for {args.seconds:g} s"
            steady.append(summarise(name, load, pipeline.clock, seqs))
            cpu.charge(steady[-1])
            await asyncio.sleep(0.5)
            cpu.start()
            first = 1_000_000 + number * 100_000
            seqs = await run_burst(pipeline, first, args.burst, args.writers, args.keys)
            await pipeline.wait_handled(args.drain)
            load = f"burst of {args.burst}, {args.writers} writers"
            burst.append(summarise(name, load, pipeline.clock, seqs))
            cpu.charge(burst[-1])
            await asyncio.sleep(0.5)
        return [median_row(steady), median_row(burst)]
    finally:
        await pipeline.stop()


def kafka_bootstrap(requested: str | None) -> tuple[str, bool]:
    """The broker to use, and whether this run started it (to stop it after)."""
    if requested:
        return requested, False
    from agora_tools.infra.kafka import Kafka

    kafka = Kafka()
    started = kafka.up()
    if started:
        say("started Kafka (tools/infra); it stops at the end unless AGORA_INFRA_KEEP=1")
    return kafka.bootstrap_servers, started


async def delete_topic(bootstrap: str, topic: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="agora-bench-cleanup")
    await admin.start()
    try:
        await admin.delete_topics([topic])
    except Exception as exc:  # the topic only costs the broker some disk
        say(f"could not delete topic {topic}: {exc!r}")
    finally:
        await admin.close()


async def run_transport(
    name: str, pg: EmbeddedPostgres, args: argparse.Namespace, bootstrap: str
) -> list[Row]:
    run = uuid.uuid4().hex[:8]
    databases = {role: f"bench_{role}_{run}" for role in ("producer", "consumer", "events")}
    for database in databases.values():
        await asyncio.to_thread(pg.ensure_database, database)
    clock = Clock()
    producer: Transport
    consumer: Transport
    if name == "inprocess":
        # agora run: one transport shared by every service of the process.
        producer = consumer = InProcessTransport(pg.url(databases["events"]))
        warmup = 30.0
    else:
        BenchTick.topic = f"bench.ticks.{run}"
        # Distributed mode: each service its own producer and consumer.
        producer = KafkaTransport(bootstrap, client_id=f"bench-producer-{run}")
        consumer = KafkaTransport(bootstrap, client_id=f"bench-consumer-{run}")
        warmup = 90.0
    pipeline = Pipeline(
        pg.url(databases["producer"]), pg.url(databases["consumer"]), producer, consumer, clock
    )
    try:
        postmaster = int((pg.pgdata / "postmaster.pid").read_text().split()[0])
        return await measure(name, pipeline, args, warmup, Cpu(postmaster))
    finally:
        if name == "kafka":
            await delete_topic(bootstrap, BenchTick.topic)
        for database in databases.values():
            await asyncio.to_thread(pg.drop_database, database)


def write_report(
    path: Path, rows: list[Row], args: argparse.Namespace, load: tuple[float, float]
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    lines = [
        "# The event pipeline",
        "",
        f"`make bench` (`gateway/bench/events_bench.py`), {now:%Y-%m-%d %H:%M} UTC, "
        f"commit {commit or 'unknown'}.",
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
        "Where the time goes and what was done about it: ADR 0080",
        "(`docs/adr/0080-event-pipeline-latency.md`).",
        "",
        "Reproduce: `make bench` (or `uv run python gateway/bench/events_bench.py`; "
        "`--help` lists the knobs).",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    say(f"report written to {path}")


async def run_all(args: argparse.Namespace, pg: EmbeddedPostgres, bootstrap: str) -> list[Row]:
    rows: list[Row] = []
    for name in args.transports:
        say(f"measuring the {name} transport")
        rows += await run_transport(name, pg, args, bootstrap)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0, help="steady events/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady duration")
    parser.add_argument("--burst", type=int, default=1000, help="events in the burst")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers of the burst")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each load")
    parser.add_argument("--keys", type=int, default=100, help="aggregates the events are keyed by")
    parser.add_argument("--drain", type=float, default=120.0, help="most seconds to wait for")
    parser.add_argument(
        "--transports",
        type=lambda value: [t for t in value.split(",") if t],
        default=list(TRANSPORTS),
        help="comma-separated: inprocess,kafka",
    )
    parser.add_argument("--kafka", help="Kafka bootstrap servers (default: tools/infra's broker)")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "bench" / "events.md")
    args = parser.parse_args()
    unknown = set(args.transports) - set(TRANSPORTS)
    if unknown:
        parser.error(f"unknown transport(s): {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.WARNING)
    bootstrap, kafka_started = ("", False)
    if "kafka" in args.transports:
        bootstrap, kafka_started = kafka_bootstrap(args.kafka)
    workdir = Path(tempfile.mkdtemp(prefix="agora-events-bench-"))
    pg = EmbeddedPostgres(workdir / "postgres", port=free_port(), durable=True)
    try:
        say(f"starting PostgreSQL (durable, as agora run) in {workdir}")
        pg.start()
        before = os.getloadavg()[0]
        rows = asyncio.run(run_all(args, pg, bootstrap))
        write_report(args.report, rows, args, (before, os.getloadavg()[0]))
    finally:
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if kafka_started and os.environ.get("AGORA_INFRA_KEEP") != "1":
            from agora_tools.infra.kafka import Kafka

            Kafka().down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
