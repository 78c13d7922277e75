"""Retention on real PostgreSQL: the in-process log deletes what every consumer group
read past once it is old, and an erased user's messages once read (a process that only
follows the log, the gateway, leaves that to the others); the relay deletes old
published outbox rows and old inbox rows."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from agora_contracts.order import ORDER_TOPIC
from agora_contracts.user import USER_TOPIC, UserDeleted, UserRegistered
from agora_kit.app import build_transport
from agora_kit.db import Database
from agora_kit.events.envelope import CloudEvent, Message, to_message
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.events.inprocess_log import consumer_offsets, erased_users, event_log
from agora_kit.events.inprocess_retention import trim
from agora_kit.events.relay import OutboxRelay
from agora_kit.events.tables import inbox, outbox
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.metrics import ServiceMetrics
from agora_kit.settings import CommonSettings
from agora_kit.testing.fixtures import PostgresServer
from agora_kit.testing.transport_contract import Collector, message, new_topic

pytestmark = pytest.mark.integration

WEEK = timedelta(days=7)


@pytest.fixture
async def log(events_url: str) -> AsyncIterator[InProcessTransport]:
    """A transport that does not trim by itself (it would at its start): the tests call
    ``trim``."""
    transport = InProcessTransport(events_url, poll_seconds=0.1, trims=False)
    await transport.start()
    yield transport
    await transport.close()


async def consume(transport: InProcessTransport, group: str, topic: str, count: int) -> None:
    collector = Collector()
    subscription = await transport.subscribe(group, [topic], collector)
    await collector.wait_for(count)
    await subscription.close()


async def age(transport: InProcessTransport, days: float, *, topic: str | None = None) -> None:
    """Make the log's messages (of ``topic``) ``days`` old."""
    statement = update(event_log).values(created_at=func.now() - timedelta(days=days))
    if topic is not None:
        statement = statement.where(event_log.c.topic == topic)
    async with transport.engine.begin() as conn:
        await conn.execute(statement)


async def kept(transport: InProcessTransport, topic: str) -> list[str]:
    async with transport.engine.connect() as conn:
        rows = await conn.execute(
            select(event_log.c.value).where(event_log.c.topic == topic).order_by(event_log.c.id)
        )
        return [row.value.decode() for row in rows]


async def test_old_messages_go_once_every_group_read_them_and_not_before(
    log: InProcessTransport,
) -> None:
    topic = new_topic()
    for n in range(3):
        await log.publish(message(topic, "k", n))
    await consume(log, "fast", topic, 3)
    # "slow" subscribed once (its offset starts at 0) and has read nothing yet.
    async with log.engine.begin() as conn:
        await conn.execute(consumer_offsets.insert().values(group_id="slow", topic=topic))
    await age(log, 8)
    assert await trim(log.engine, WEEK) == 0
    assert len(await kept(log, topic)) == 3

    await consume(log, "slow", topic, 3)
    await log.publish(message(topic, "k", 3))  # new: kept though every group read it
    await consume(log, "fast", topic, 1)
    await consume(log, "slow", topic, 1)
    assert await trim(log.engine, WEEK) == 3
    assert await kept(log, topic) == ['{"n":3}']


async def test_a_topic_no_group_reads_is_trimmed_by_age_alone(log: InProcessTransport) -> None:
    old, young = new_topic(), new_topic()
    await log.publish(message(old, "k", 1))
    await age(log, 8, topic=old)
    await log.publish(message(young, "k", 2))
    assert await trim(log.engine, WEEK) == 1
    assert await kept(log, old) == []
    assert await kept(log, young) == ['{"n":2}']


def event(topic: str, key: str, payload: UserRegistered | UserDeleted | dict[str, str]) -> Message:
    if isinstance(payload, dict):
        cloud = CloudEvent(source="/agora/order", type="agora.order.order.placed.v1", data=payload)
    else:
        cloud = CloudEvent(
            source="/agora/user", type=payload.event_type, data=payload.model_dump(mode="json")
        )
    return to_message(topic, key, cloud)


async def test_an_erased_users_messages_go_once_read_whatever_their_age(
    log: InProcessTransport,
) -> None:
    erased, other = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    for user in (erased, other):
        registered = UserRegistered(
            user_id=user, email=f"{user}@example.com", full_name="Ada", roles=[], registered_at=now
        )
        await log.publish(event(USER_TOPIC, str(user), registered))
        # An order's event names its buyer in the payload, keyed by the order.
        order = {"order_id": str(uuid.uuid4()), "buyer_id": str(user), "name": "Ada Lovelace"}
        await log.publish(event(ORDER_TOPIC, order["order_id"], order))
    await log.publish(event(USER_TOPIC, str(erased), UserDeleted(user_id=erased, deleted_at=now)))
    await consume(log, "notification", USER_TOPIC, 3)
    # The order topic's group has not read yet: nothing of it goes.
    async with log.engine.begin() as conn:
        await conn.execute(consumer_offsets.insert().values(group_id="order", topic=ORDER_TOPIC))
    assert await trim(log.engine, WEEK) == 2  # the erased user's registration and deletion
    assert [str(other) in value for value in await kept(log, USER_TOPIC)] == [True]
    assert len(await kept(log, ORDER_TOPIC)) == 2

    await consume(log, "order", ORDER_TOPIC, 2)
    # The deletion event is gone, but the erasure is remembered.
    assert await trim(log.engine, WEEK) == 1
    remaining = await kept(log, ORDER_TOPIC)
    assert len(remaining) == 1
    assert str(other) in remaining[0]
    async with log.engine.connect() as conn:
        ids = (await conn.execute(select(erased_users.c.user_id))).scalars().all()
    assert ids == [str(erased)]


async def test_the_transport_trims_by_itself_every_so_often(events_url: str) -> None:
    transport = InProcessTransport(
        events_url, poll_seconds=0.1, retention=timedelta(hours=1), trim_seconds=0.2
    )
    await transport.start()
    try:
        topic = new_topic()
        await transport.publish(message(topic, "k", 1))
        await transport.publish(message(topic, "k", 2))
        async with transport.engine.begin() as conn:
            await conn.execute(
                update(event_log)
                .where(event_log.c.id == select(func.min(event_log.c.id)).scalar_subquery())
                .values(created_at=func.now() - timedelta(hours=2))
            )
        for _ in range(100):  # ten seconds at most
            if len(await kept(transport, topic)) == 1:
                break
            await asyncio.sleep(0.1)
        assert await kept(transport, topic) == ['{"n":2}']
    finally:
        await transport.close()


async def test_a_transport_that_only_follows_the_log_never_trims_it(events_url: str) -> None:
    follower = build_transport(
        CommonSettings(events_database_url=events_url, event_log_trim_seconds=0.2),
        client_id="gateway",
        trims_log=False,
    )
    assert isinstance(follower, InProcessTransport)
    await follower.start()
    try:
        topic = new_topic()
        await follower.publish(message(topic, "k", 1))
        await age(follower, 30)
        await asyncio.sleep(1.0)  # five of the rounds a trimming transport would make
        assert await kept(follower, topic) == ['{"n":1}']
    finally:
        await follower.close()


async def test_the_relay_deletes_old_published_outbox_rows_and_old_inbox_rows(
    postgres_server: PostgresServer, log: InProcessTransport
) -> None:
    name = await postgres_server.create_database("retained")
    database = Database(postgres_server.url(name))
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(event_metadata.create_all)
            for n, days in enumerate((40, 1)):
                await conn.execute(
                    inbox.insert().values(
                        consumer="c",
                        event_id=f"e{n}",
                        event_type="t",
                        topic="x",
                        handled_at=func.now() - timedelta(days=days),
                    )
                )
            for n, published in enumerate((10, 1, None)):
                await conn.execute(
                    outbox.insert().values(
                        event_id=f"o{n}",
                        topic="x",
                        key="k",
                        event_type="t",
                        event={},
                        published_at=None
                        if published is None
                        else func.now() - timedelta(days=published),
                    )
                )
        relay = OutboxRelay(database, log, ServiceMetrics("retained"))
        await relay.observe_backlog()
        async with database.engine.connect() as conn:
            inbox_ids = (await conn.execute(select(inbox.c.event_id))).scalars().all()
            outbox_ids = (await conn.execute(select(outbox.c.event_id))).scalars().all()
            assert sorted(inbox_ids) == ["e1"]
            assert sorted(outbox_ids) == ["o1", "o2"]  # the unpublished row stays
    finally:
        await database.dispose()
        await postgres_server.drop_database(name)
