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
import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from benchkit import cpu_seconds, free_port, say
from events_pipeline import BenchTick, Clock, Pipeline
from events_report import Phase, Row, median_row, summarise, write_report

from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.events.kafka import KafkaTransport
from agora_kit.events.transport import Transport

ROOT = Path(__file__).resolve().parents[2]
TRANSPORTS = ("inprocess", "kafka")


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
        producer = consumer = InProcessTransport(pg.url(databases["events"]), flushes=False)
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
