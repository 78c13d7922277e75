"""The event benchmark's pipeline: a producing service and a consuming one, wired as
``create_service_app`` wires a service (outbox, relay woken by the commit, consumer
with its inbox), and a clock noting when each bench event was committed, accepted by
the transport, handled, and its handler's transaction committed."""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from benchkit import say
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.events import EventPayload
from agora_kit.db import Database, after_commit
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent, Message
from agora_kit.events.outbox import Outbox
from agora_kit.events.relay import OutboxRelay
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.events.transport import LagCallback, MessageHandler, Subscription, Transport
from agora_kit.metrics import ServiceMetrics
from agora_kit.settings import ServiceSettings


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
        wanted: frozenset[str] | None = None,
    ) -> Subscription:
        return await self.inner.subscribe(group, topics, handler, on_lag=on_lag, wanted=wanted)


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
