"""How far a consumer group lags, read from a real broker (``agora_tools.kafka_groups``):
what a fleet's fixture waits on before stopping it, so the next fleet on the broker
does not inherit its backlog (ADR 0120)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import OffsetAndMetadata, TopicPartition

from agora_tools.kafka_groups import group_lag, wait_drained
from agora_tools.pytest_plugin import KafkaServer

pytestmark = pytest.mark.integration


async def commit(bootstrap: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    """Commit ``offsets`` for ``group``, as a member that handled that far would."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in offsets.items()})
    finally:
        await consumer.stop()


@contextlib.contextmanager
def counted_starts() -> Iterator[dict[str, int]]:
    """How often Kafka clients are started meanwhile (the real ``start`` runs)."""
    starts = {"admin": 0, "consumer": 0}
    patch = pytest.MonkeyPatch()

    def counting(cls: Any, name: str) -> None:
        real = cls.start

        async def start(self: Any) -> None:
            starts[name] += 1
            await real(self)

        patch.setattr(cls, "start", start)

    counting(AIOKafkaAdminClient, "admin")
    counting(AIOKafkaConsumer, "consumer")
    try:
        yield starts
    finally:
        patch.undo()


async def test_a_group_lags_by_what_it_has_not_committed(kafka_server: KafkaServer) -> None:
    bootstrap = kafka_server.bootstrap_servers
    topic, group = f"agora.lagtest.{uuid.uuid4().hex[:8]}.v1", f"lag-{uuid.uuid4().hex[:6]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for number in range(5):
            await producer.send_and_wait(topic, b"event", partition=0 if number < 3 else 1)
    finally:
        await producer.stop()
    first, second = TopicPartition(topic, 0), TopicPartition(topic, 1)

    assert await group_lag(bootstrap, group) == 0  # never committed: no topics known
    # One of three handled on the first partition, the second never committed: its
    # next member would read both of its records from the earliest.
    await commit(bootstrap, group, {first: 1})
    assert await group_lag(bootstrap, group) == 2 + 2
    # As a fixture calls it, outside the event loop.
    assert await asyncio.to_thread(wait_drained, bootstrap, [group], 0) == {group: 4}
    # A wait of three rounds or more, on two groups, starts its clients once.
    with counted_starts() as starts:
        waited = await asyncio.to_thread(wait_drained, bootstrap, [group, group], 2)
    assert waited == {group: 4}
    assert starts == {"admin": 1, "consumer": 1}

    await commit(bootstrap, group, {first: 3, second: 2})
    assert await group_lag(bootstrap, group) == 0
    assert await asyncio.to_thread(wait_drained, bootstrap, [group], 5) == {}
