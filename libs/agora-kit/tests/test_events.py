"""The event backbone end to end on real PostgreSQL: outbox, relay, transport, inbox,
retries and the dead letter."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.events import EventPayload
from agora_kit.db import Database
from agora_kit.errors import ServiceUnavailable
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent, Message, from_message
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.events.inprocess_log import event_log
from agora_kit.events.outbox import Outbox
from agora_kit.events.relay import OutboxRelay, mark_published
from agora_kit.events.tables import dead_letter, inbox, outbox
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.metrics import ServiceMetrics
from agora_kit.testing.fixtures import PostgresServer
from agora_kit.testing.transport_contract import Collector

TOPIC = "agora.test.widget.v1"


class WidgetMade(EventPayload):
    event_type = "agora.test.widget.made.v1"
    topic = TOPIC

    widget: str
    n: int


effects_metadata = MetaData()
effects = Table(
    "effects",
    effects_metadata,
    Column("widget", String, primary_key=True),
    Column("times", Integer, nullable=False),
)


@dataclass
class Service:
    database: Database
    transport: InProcessTransport
    outbox: Outbox
    metrics: ServiceMetrics

    def relay(self, transport: object | None = None) -> OutboxRelay:
        return OutboxRelay(
            self.database,
            transport or self.transport,  # type: ignore[arg-type]
            self.metrics,
            poll_seconds=0.05,
        )

    async def emit(self, widget: str, n: int) -> CloudEvent:
        async with self.database.transaction() as session:
            return await self.outbox.add(session, WidgetMade(widget=widget, n=n), key=widget)

    async def drain(self, relay: OutboxRelay | None = None) -> int:
        relay = relay or self.relay()
        total = 0
        while published := await relay.run_once():
            total += published
        return total


@pytest.fixture
async def service(postgres_server: PostgresServer) -> AsyncIterator[Service]:
    service_db = await postgres_server.create_database("svc")
    events_db = await postgres_server.create_database("events")
    database = Database(postgres_server.url(service_db))
    async with database.engine.begin() as conn:
        await conn.run_sync(event_metadata.create_all)
        await conn.run_sync(effects_metadata.create_all)
    transport = InProcessTransport(
        postgres_server.url(events_db), poll_seconds=0.1, redelivery_seconds=0.05
    )
    await transport.start()
    yield Service(database, transport, Outbox("/agora/test"), ServiceMetrics("test"))
    await transport.close()
    await database.dispose()
    await postgres_server.drop_database(service_db)
    await postgres_server.drop_database(events_db)


async def count_effect(session: AsyncSession, payload: WidgetMade, event: CloudEvent) -> None:
    await session.execute(
        pg_insert(effects)
        .values(widget=payload.widget, times=1)
        .on_conflict_do_update(index_elements=["widget"], set_={"times": effects.c.times + 1})
    )


async def log_count(service: Service) -> int:
    async with service.transport.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(event_log))).scalar_one())


async def emit_then_fail(service: Service, widget: str) -> None:
    """A transaction that writes an event for ``widget``, then fails and rolls back."""
    async with service.database.transaction() as session:
        await service.outbox.add(session, WidgetMade(widget=widget, n=1), key=widget)
        raise RuntimeError("the business change failed")


async def test_the_relay_is_woken_once_per_committed_transaction_that_wrote_events(
    service: Service,
) -> None:
    """After the COMMIT, once however many events the transaction wrote; not when a
    savepoint inside it is released, nor for a transaction rolled back."""
    wakes: list[str] = []
    service.outbox.notify_on_commit(lambda: wakes.append("woken"))
    async with service.database.transaction() as session:
        await service.outbox.add(session, WidgetMade(widget="a", n=1), key="a")
        async with session.begin_nested():
            await service.outbox.add(session, WidgetMade(widget="b", n=2), key="b")
        assert wakes == []  # the savepoint released; nothing committed yet
    assert wakes == ["woken"]
    with pytest.raises(RuntimeError):
        await emit_then_fail(service, "c")
    async with service.database.transaction() as session:
        await session.execute(text("SELECT 1"))  # wrote no event
    assert wakes == ["woken"]


async def test_an_event_written_in_a_rolled_back_transaction_is_never_delivered(
    service: Service,
) -> None:
    with pytest.raises(RuntimeError):
        await emit_then_fail(service, "ghost")
    await service.emit("real", 2)

    got = Collector()
    sub = await service.transport.subscribe("watcher", [TOPIC], got)
    try:
        assert await service.drain() == 1
        await got.wait_for(1)
        await asyncio.sleep(0.5)  # room for a wrongly delivered ghost to arrive
    finally:
        await sub.close()
    assert [from_message(m).data["widget"] for m in got.received] == ["real"]
    async with service.database.transaction() as session:
        keys = (await session.scalars(select(outbox.c.key))).all()
    assert keys == ["real"]


class RelayKilled(BaseException):
    """Stands for the relay's process dying: not an Exception, so nothing catches it."""


class DiesAfterPublishing:
    """A transport whose publish reaches the broker, then the relay dies before it can
    mark the row published."""

    def __init__(self, inner: InProcessTransport) -> None:
        self.inner = inner
        self.name = "dies-after-publishing"

    async def publish(self, message: Message) -> None:
        await self.inner.publish(message)
        raise RelayKilled


async def test_a_relay_killed_between_delivering_and_marking_delivers_again_and_the_inbox_drops_it(
    service: Service,
) -> None:
    await service.emit("w1", 1)
    with pytest.raises(RelayKilled):
        await service.relay(DiesAfterPublishing(service.transport)).run_once()

    async with service.database.transaction() as session:
        unpublished = (
            await session.execute(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        ).scalar_one()
    assert unpublished == 1, "the killed relay's transaction must not have marked the row"

    assert await service.drain() == 1  # a new relay publishes the same row again
    assert await log_count(service) == 2

    consumer = EventConsumer(service.database, service.metrics, group="effects")
    consumer.on(WidgetMade)(count_effect)
    await consumer.start(service.transport)
    try:
        for _ in range(100):
            async with service.database.transaction() as session:
                handled = (
                    await session.execute(select(func.count()).select_from(inbox))
                ).scalar_one()
            duplicates = service.metrics.events_consumed.labels(
                "test", TOPIC, WidgetMade.event_type, "duplicate"
            )._value.get()
            if handled == 1 and duplicates == 1:
                break
            await asyncio.sleep(0.05)
    finally:
        await consumer.stop()
    async with service.database.transaction() as session:
        times = (await session.execute(select(effects.c.times))).scalars().all()
    assert times == [1], "the effect must happen exactly once"
    assert duplicates == 1


class JitteryTransport:
    """Delays each publish a little, so two relays' rounds interleave."""

    def __init__(self, inner: InProcessTransport) -> None:
        self.inner = inner
        self.name = "jittery"

    async def publish(self, message: Message) -> None:
        await asyncio.sleep(random.uniform(0, 0.01))
        await self.inner.publish(message)


async def test_two_relays_publish_each_event_once_and_in_order_per_key(service: Service) -> None:
    keys = ["a", "b", "c"]
    for n in range(45):
        await service.emit(keys[n % 3], n)

    relays = [service.relay(JitteryTransport(service.transport)) for _ in range(2)]
    totals = await asyncio.gather(*(service.drain(r) for r in relays))
    assert sum(totals) == 45

    async with service.transport.engine.connect() as conn:
        rows = (await conn.execute(select(event_log.c.key, event_log.c.value))).all()
    assert len(rows) == 45, "SKIP LOCKED must keep two relays from publishing a row twice"
    got = Collector()
    sub = await service.transport.subscribe("order-check", [TOPIC], got)
    try:
        await got.wait_for(45)
    finally:
        await sub.close()
    for i, key in enumerate(keys):
        assert got.numbers(key) == list(range(i, 45, 3))


async def test_an_event_whose_handler_always_fails_is_dead_lettered_without_blocking_the_next(
    service: Service,
) -> None:
    attempts: list[int] = []

    async def fragile(session: AsyncSession, payload: WidgetMade, event: CloudEvent) -> None:
        if payload.n == 1:
            attempts.append(payload.n)
            await session.execute(text("SELECT 1"))
            raise ValueError("cannot handle widget 1")
        await count_effect(session, payload, event)

    await service.emit("w", 1)
    await service.emit("w", 2)  # same key: it waits behind the failing one, then goes
    await service.drain()

    consumer = EventConsumer(
        service.database,
        service.metrics,
        group="fragile",
        max_attempts=3,
        retry_base_seconds=0.01,
    )
    consumer.on(WidgetMade)(fragile)
    await consumer.start(service.transport)
    try:
        for _ in range(200):
            async with service.database.transaction() as session:
                done = (await session.execute(select(effects.c.times))).scalars().all()
            if done:
                break
            await asyncio.sleep(0.05)
    finally:
        await consumer.stop()

    assert attempts == [1, 1, 1]
    async with service.database.transaction() as session:
        letters = (await session.execute(select(dead_letter))).all()
        outcomes = sorted((await session.scalars(select(inbox.c.outcome))).all())
        times = (await session.execute(select(effects.c.times))).scalars().all()
    assert len(letters) == 1
    letter = letters[0]
    assert letter.consumer == "fragile"
    assert letter.attempts == 3
    assert "cannot handle widget 1" in letter.error
    assert from_message(
        Message(
            topic=letter.topic,
            key=letter.key,
            headers=tuple((k, v.encode()) for k, v in letter.headers.items()),
            value=letter.value,
        )
    ).data == {"widget": "w", "n": 1}
    assert times == [1], "the event behind the dead-lettered one was handled"
    async with service.transport.engine.connect() as conn:
        on_dlq = (
            await conn.execute(
                select(event_log.c.key, event_log.c.headers).where(
                    event_log.c.topic == consumer.dead_letter_topic(TOPIC)
                )
            )
        ).all()
    assert [row.key for row in on_dlq] == ["w"]
    assert ["agora_dead_letter_attempts", "3"] in on_dlq[0].headers
    assert outcomes == ["dead_letter", "handled"]


async def test_an_event_whose_dependency_is_unavailable_waits_for_it_instead_of_a_dead_letter(
    service: Service,
) -> None:
    """ADR 0111: a handler that fails on an unavailable dependency (the payment
    provider down, the database timing out) on every attempt leaves the event to be
    delivered again, not dead-lettered; once the dependency is back it is handled."""
    attempts: list[int] = []

    async def needs_the_provider(
        session: AsyncSession, payload: WidgetMade, event: CloudEvent
    ) -> None:
        attempts.append(payload.n)
        if len(attempts) <= 4:  # more than the 3 attempts of a delivery
            raise ServiceUnavailable("the provider did not answer")
        await count_effect(session, payload, event)

    await service.emit("w", 1)
    await service.drain()
    consumer = EventConsumer(
        service.database, service.metrics, group="patient", max_attempts=3, retry_base_seconds=0.01
    )
    consumer.on(WidgetMade)(needs_the_provider)
    await consumer.start(service.transport)
    try:
        for _ in range(200):
            async with service.database.transaction() as session:
                done = (await session.execute(select(effects.c.times))).scalars().all()
            if done:
                break
            await asyncio.sleep(0.05)
    finally:
        await consumer.stop()
    async with service.database.transaction() as session:
        letters = (await session.execute(select(func.count()).select_from(dead_letter))).scalar()
        outcomes = (await session.scalars(select(inbox.c.outcome))).all()
    assert done == [1]
    assert attempts == [1] * 5
    assert letters == 0
    assert outcomes == ["handled"]


async def test_the_relays_mark_does_not_wait_for_the_disk_and_leaves_the_session_as_it_was(
    service: Service,
) -> None:
    await service.emit("w1", 1)
    async with service.database.engine.connect() as conn:
        # This session as a durable server's (the test server flushes nothing).
        await conn.execute(text("SET synchronous_commit = on"))
        await conn.commit()
        row_id = (await conn.execute(select(outbox.c.id))).scalar_one()
        await conn.execute(mark_published([row_id]))
        in_mark = (await conn.execute(text("SHOW synchronous_commit"))).scalar_one()
        await conn.commit()
        after = (await conn.execute(text("SHOW synchronous_commit"))).scalar_one()
        marked = (await conn.execute(select(outbox.c.published_at.is_not(None)))).scalar_one()
        await conn.rollback()
    assert (in_mark, after, marked) == ("off", "on", True)


async def test_a_type_the_group_does_not_handle_is_counted_and_never_decoded(
    service: Service,
) -> None:
    consumer = EventConsumer(service.database, service.metrics, group="picky")
    consumer.on(WidgetMade)(count_effect)
    other = "agora.test.widget.painted.v1"
    garbled = Message(
        topic=TOPIC, key="w1", headers=(("ce_type", other.encode()),), value=b"{not json"
    )
    await consumer.handle(garbled)
    ignored = service.metrics.events_consumed.labels("test", TOPIC, other, "ignored")
    async with service.database.transaction() as session:
        letters = (
            await session.execute(select(func.count()).select_from(dead_letter))
        ).scalar_one()
    assert ignored._value.get() == 1
    assert letters == 0


async def test_a_relay_stops_when_cancelled_just_as_a_commit_woke_it(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service's shutdown cancels its relay and waits for it. A commit's wake-up that
    came a loop turn or two before the cancellation must not make the relay drop it and
    poll on: the shutdown would then never end (ADR 0095)."""
    for turns in range(4):
        relay = OutboxRelay(service.database, service.transport, service.metrics, poll_seconds=60)
        idle = asyncio.Event()
        run_once = relay.run_once

        async def round_then_idle(run_once: Any = run_once, idle: asyncio.Event = idle) -> int:
            published: int = await run_once()
            idle.set()  # the relay waits for a wake-up from here on, without a turn between
            return published

        monkeypatch.setattr(relay, "run_once", round_then_idle)
        relay.start()
        await asyncio.wait_for(idle.wait(), timeout=10)
        relay.wake()
        for _ in range(turns):
            await asyncio.sleep(0)
        stopping = asyncio.create_task(relay.stop())
        done, _ = await asyncio.wait({stopping}, timeout=5)
        if not done:
            stopping.cancel()  # a second cancellation gets the relay out
            with contextlib.suppress(asyncio.CancelledError):
                await stopping
        assert done, f"the relay dropped a cancellation {turns} loop turn(s) after a wake-up"
