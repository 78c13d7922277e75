"""How far behind a Kafka consumer group is, read from the broker.

The test session's fleets (the images' fleet, the Helm chart's under kube play, the
native fleet) share one broker, its topics and one consumer group per service: a fleet
stopped with a backlog hands it to the next one, which handles another fleet's events
(ADR 0120). Their fixtures wait for their groups to drain before stopping them."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import GroupCoordinatorNotAvailableError
from aiokafka.structs import OffsetAndMetadata, TopicPartition

from agora_tools.fleet import SERVICES
from agora_tools.infra.base import say

COORDINATOR_ATTEMPTS = 30
# How long a fleet's fixture waits for its groups before stopping it anyway.
FLEET_DRAIN_SECONDS = 60.0


async def _committed(
    admin: AIOKafkaAdminClient, group: str
) -> dict[TopicPartition, OffsetAndMetadata]:
    for _ in range(COORDINATOR_ATTEMPTS - 1):
        try:
            found: dict[
                TopicPartition, OffsetAndMetadata
            ] = await admin.list_consumer_group_offsets(group)
        except GroupCoordinatorNotAvailableError:
            # A broker just started has no offsets topic yet: it makes one.
            await asyncio.sleep(0.5)
        else:
            return found
    found = await admin.list_consumer_group_offsets(group)
    return found


@contextlib.asynccontextmanager
async def _clients(
    bootstrap_servers: str,
) -> AsyncIterator[tuple[AIOKafkaAdminClient, AIOKafkaConsumer]]:
    """An admin client (the groups' offsets) and a consumer (the partitions' ends),
    started once for as many questions as are asked of them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
        await consumer.start()
        try:
            yield admin, consumer
        finally:
            await consumer.stop()
    finally:
        await admin.close()


async def _lag(admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, group: str) -> int:
    committed = await _committed(admin, group)
    if not committed:
        return 0
    described = await admin.describe_topics(sorted({p.topic for p in committed}))
    partitions = [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]
    ends = await consumer.end_offsets(partitions)
    starts = await consumer.beginning_offsets(partitions)
    lag = 0
    for partition in partitions:
        done = committed.get(partition)
        start = done.offset if done is not None and done.offset >= 0 else starts[partition]
        lag += max(ends[partition] - start, 0)
    return lag


async def group_lag(bootstrap_servers: str, group: str) -> int:
    """Records of the group's topics not yet committed by the group: on a partition it
    committed, those after its offset; on one it never committed, all of them (its
    next member starts from the earliest). 0 for a group that never committed."""
    async with _clients(bootstrap_servers) as (admin, consumer):
        return await _lag(admin, consumer, group)


async def _lagging(bootstrap_servers: str, groups: list[str], seconds: float) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    async with _clients(bootstrap_servers) as (admin, consumer):
        while True:
            lagging = {}
            for group in groups:
                lag = await _lag(admin, consumer, group)
                if lag:
                    lagging[group] = lag
            if not lagging or time.monotonic() >= deadline:
                return lagging
            await asyncio.sleep(1)


def wait_drained(bootstrap_servers: str, groups: Iterable[str], seconds: float) -> dict[str, int]:
    """Wait up to ``seconds`` until none of ``groups`` lags; what each still lags
    (empty when all drained). One admin client and one consumer ask, every second,
    for the whole wait. Gives up quietly: a fleet that cannot drain is stopped
    anyway, and the next one's audit tells its own events from earlier ones."""
    lagging = asyncio.run(_lagging(bootstrap_servers, list(groups), seconds))
    if lagging:
        say(f"consumer groups still behind after {seconds:.0f} s: {lagging}")
    return lagging


def drain_fleet(bootstrap_servers: str) -> dict[str, int]:
    """Wait for the services' consumer groups (one per service, named after it) to
    handle what their topics hold, before the fleet's parts are stopped."""
    return wait_drained(bootstrap_servers, SERVICES, FLEET_DRAIN_SECONDS)


async def group_members(bootstrap_servers: str, group: str) -> int:
    """How many members the group has now, as its coordinator says."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    # DescribeGroups v0: groups of (error, group id, state, protocol type, protocol,
    # members); a member is (id, client id, host, metadata, assignment).
    return sum(len(found[5]) for response in described for found in response.groups)
