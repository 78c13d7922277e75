"""The Kafka transport on a real broker: the transport contract, plus what only a
distributed deployment meets: a broker outage while events are written, and two
replicas of one service sharing the partitions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiokafka.errors import OutOfOrderSequenceNumber
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.events import EventPayload
from agora_kit.db import Database
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.kafka import KafkaTransport
from agora_kit.events.outbox import Outbox
from agora_kit.events.relay import OutboxRelay
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.metrics import ServiceMetrics
from agora_kit.testing.fixtures import PostgresServer
from agora_kit.testing.transport_contract import TransportContract, message, new_topic
from agora_tools.infra.kafka import Kafka
from agora_tools.pytest_plugin import KafkaServer


def new_transport(kafka: KafkaServer, name: str) -> KafkaTransport:
    return KafkaTransport(
        kafka.bootstrap_servers,
        client_id=f"{name}-{uuid.uuid4().hex[:6]}",
        partitions=3,
        redelivery_seconds=0.2,
    )


@pytest.fixture(scope="module")
async def transport(kafka_server: KafkaServer) -> AsyncIterator[KafkaTransport]:
    the_transport = new_transport(kafka_server, "contract")
    await the_transport.start()
    yield the_transport
    await the_transport.close()


class TestKafkaTransport(TransportContract):
    pass


async def test_a_published_event_is_read_back_by_kafkas_own_console_consumer(
    transport: KafkaTransport, kafka_server: KafkaServer
) -> None:
    topic = new_topic()
    await transport.publish(message(topic, "order-9", 42))
    lines = await asyncio.to_thread(
        kafka_server.console_consumer,
        topic,
        1,
        60.0,
        properties={"print.key": "true", "print.headers": "true"},
    )
    assert len(lines) == 1
    line = lines[0]
    assert "ce_type:agora.test.thing.happened.v1" in line
    assert "ce_specversion:1.0" in line
    assert "order-9" in line
    assert '{"n":42}' in line


async def test_a_producer_that_can_send_no_more_is_replaced(
    kafka_server: KafkaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broker that lost its producer state answers the idempotent producer with
    OutOfOrderSequenceNumber, after which aiokafka's sender has stopped: the publish
    fails (the outbox keeps the row) and the next one goes out on a new producer."""
    transport = new_transport(kafka_server, "replaced")
    await transport.start()
    try:
        topic = new_topic()
        broken = transport.producer

        async def refuse(*args: object, **kwargs: object) -> None:
            raise OutOfOrderSequenceNumber()

        monkeypatch.setattr(broken, "send_and_wait", refuse)
        with pytest.raises(OutOfOrderSequenceNumber):
            await transport.publish(message(topic, "k", 1))
        replacement = transport.producer
        assert replacement is not broken
        # Publishes that saw the old one fail at the same time replace it only once.
        await asyncio.gather(*(transport._replace_producer(broken) for _ in range(3)))
        assert transport.producer is replacement
        await transport.publish(message(topic, "k", 7))
        lines = await asyncio.to_thread(kafka_server.console_consumer, topic, 1, 60.0)
        assert len(lines) == 1
        assert '{"n":7}' in lines[0]
    finally:
        await transport.close()


# A topic of its own per run: the broker outlives test sessions.
TOPIC = f"agora.kafkatest.gizmo{uuid.uuid4().hex[:8]}.v1"


class GizmoMade(EventPayload):
    event_type = "agora.kafkatest.gizmo.made.v1"
    topic = TOPIC
    gizmo: str
    n: int


effects_metadata = MetaData()
effects = Table(
    "gizmo_effects",
    effects_metadata,
    Column("gizmo", String, primary_key=True),
    Column("times", Integer, nullable=False),
    Column("handled_by", String, nullable=False),
)


@dataclass
class Replica:
    name: str
    transport: KafkaTransport
    consumer: EventConsumer


@pytest.fixture
async def service_database(postgres_server: PostgresServer) -> AsyncIterator[Database]:
    name = await postgres_server.create_database("kafkasvc")
    database = Database(postgres_server.url(name))
    async with database.engine.begin() as conn:
        await conn.run_sync(event_metadata.create_all)
        await conn.run_sync(effects_metadata.create_all)
    yield database
    await database.dispose()
    await postgres_server.drop_database(name)


async def effect_rows(database: Database, prefix: str) -> list[tuple[str, int, str]]:
    """Effects of this test's gizmos; the topic also holds other tests' events."""
    async with database.transaction() as session:
        rows = (
            await session.execute(select(effects).where(effects.c.gizmo.startswith(prefix)))
        ).all()
    return [(r.gizmo, r.times, r.handled_by) for r in rows]


async def start_replica(kafka: KafkaServer, database: Database, name: str, group: str) -> Replica:
    transport = new_transport(kafka, name)
    await transport.start()
    consumer = EventConsumer(database, ServiceMetrics(name), group=group)

    @consumer.on(GizmoMade)
    async def count(session: AsyncSession, payload: GizmoMade, event: CloudEvent) -> None:
        await session.execute(
            pg_insert(effects)
            .values(gizmo=payload.gizmo, times=1, handled_by=name)
            .on_conflict_do_update(index_elements=["gizmo"], set_={"times": effects.c.times + 1})
        )

    await consumer.start(transport)
    return Replica(name, transport, consumer)


async def wait_for_effects(
    database: Database, prefix: str, count: int, seconds: float = 90
) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if len(await effect_rows(database, prefix)) >= count:
            return
        await asyncio.sleep(0.2)


async def test_two_replicas_share_the_partitions_and_handle_each_event_once(
    kafka_server: KafkaServer, service_database: Database
) -> None:
    group = f"gizmos-{uuid.uuid4().hex[:6]}"
    replicas = [
        await start_replica(kafka_server, service_database, f"replica-{i}", group) for i in range(2)
    ]
    producer = new_transport(kafka_server, "producer")
    await producer.start()
    try:
        await asyncio.sleep(3)  # both replicas join the group before events flow
        outbox = Outbox("/agora/kafkatest")
        for n in range(60):
            async with service_database.transaction() as session:
                await outbox.add(session, GizmoMade(gizmo=f"g{n}", n=n), key=f"g{n}")
        relay = OutboxRelay(service_database, producer, ServiceMetrics("relay"))
        while await relay.run_once():
            pass
        await wait_for_effects(service_database, "g", 60)
    finally:
        for replica in replicas:
            await replica.consumer.stop()
            await replica.transport.close()
        await producer.close()
    rows = await effect_rows(service_database, "g")
    assert len(rows) == 60
    assert all(times == 1 for _, times, _ in rows), "no event may take effect twice"
    handled_by = {by for _, _, by in rows}
    assert handled_by == {"replica-0", "replica-1"}, "each replica handles a share"


async def publish_gizmos(database: Database, producer: KafkaTransport, prefix: str) -> None:
    outbox = Outbox("/agora/kafkatest")
    for n in range(30):
        async with database.transaction() as session:
            await outbox.add(session, GizmoMade(gizmo=f"{prefix}{n}", n=n), key=f"{prefix}{n}")
    relay = OutboxRelay(database, producer, ServiceMetrics("relay"))
    while await relay.run_once():
        pass


async def test_a_replica_that_loses_partitions_to_a_newcomer_keeps_consuming(
    kafka_server: KafkaServer, service_database: Database
) -> None:
    # The first replica has handled events of every partition when a second one joins
    # and takes some away (a scale-up, a rolling deploy): both go on handling theirs,
    # and the first's readiness stays true because its consumer is alive.
    group = f"newcomer-{uuid.uuid4().hex[:6]}"
    producer = new_transport(kafka_server, "producer")
    await producer.start()
    first = await start_replica(kafka_server, service_database, "first", group)
    replicas = [first]
    try:
        await asyncio.sleep(3)
        await publish_gizmos(service_database, producer, "early")
        await wait_for_effects(service_database, "early", 30)
        replicas.append(await start_replica(kafka_server, service_database, "second", group))
        await asyncio.sleep(6)  # the group rebalances: the first replica loses partitions
        await publish_gizmos(service_database, producer, "late")
        await wait_for_effects(service_database, "late", 30, seconds=60)
        await first.transport.check()
    finally:
        for replica in replicas:
            await replica.consumer.stop()
            await replica.transport.close()
        await producer.close()
    late = await effect_rows(service_database, "late")
    assert len(late) == 30, "every event after the rebalance is handled"
    assert all(times == 1 for _, times, _ in late)
    assert {by for _, _, by in late} == {"first", "second"}


async def test_a_broker_outage_while_events_are_written_loses_none(
    kafka_server: KafkaServer, service_database: Database
) -> None:
    group = f"outage-{uuid.uuid4().hex[:6]}"
    outbox = Outbox("/agora/kafkatest")
    producer = new_transport(kafka_server, "producer")
    await producer.start()
    relay = OutboxRelay(service_database, producer, ServiceMetrics("relay"), poll_seconds=0.2)
    outbox.notify_on_commit(relay.wake)
    relay.start()
    replica = await start_replica(kafka_server, service_database, "replica", group)
    broker = Kafka()

    async def write(first: int, last: int) -> None:
        for n in range(first, last):
            async with service_database.transaction() as session:
                await outbox.add(session, GizmoMade(gizmo=f"o{n}", n=n), key=f"o{n % 4}")
            await asyncio.sleep(0.02)

    try:
        await write(0, 10)
        if not await asyncio.to_thread(broker.down):
            # Another checkout's tools started this broker; its process is not ours.
            pytest.skip("the running Kafka broker was not started here, so it cannot be stopped")
        await write(10, 30)  # the broker is away: these wait in the outbox
        async with service_database.transaction() as session:
            waiting = (
                await session.execute(
                    select(func.count())
                    .select_from(event_metadata.tables["outbox"])
                    .where(event_metadata.tables["outbox"].c.published_at.is_(None))
                )
            ).scalar_one()
        assert waiting > 0, "with the broker down, events must wait in the outbox"
        await asyncio.sleep(3)
        await asyncio.to_thread(broker.up)
        await write(30, 40)
        await wait_for_effects(service_database, "o", 40, seconds=180)
    finally:
        await relay.stop()
        await replica.consumer.stop()
        await replica.transport.close()
        await producer.close()
        await asyncio.to_thread(broker.up)
    rows = await effect_rows(service_database, "o")
    assert sorted(int(g[1:]) for g, _, _ in rows) == list(range(40))
    assert all(times == 1 for _, times, _ in rows)
