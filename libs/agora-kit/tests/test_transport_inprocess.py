from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from agora_kit.events.envelope import Message
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.fixtures import PostgresServer
from agora_kit.testing.transport_contract import (
    Collector,
    TransportContract,
    message,
    new_topic,
    settle,
)


@pytest.fixture(scope="module")
async def transport(postgres_server: PostgresServer) -> AsyncIterator[InProcessTransport]:
    name = await postgres_server.create_database("events")
    the_transport = InProcessTransport(
        postgres_server.url(name), poll_seconds=0.2, redelivery_seconds=0.1
    )
    await the_transport.start()
    yield the_transport
    await the_transport.close()
    await postgres_server.drop_database(name)


class TestInProcessTransport(TransportContract):
    pass


async def test_the_lag_counts_what_a_batch_left_and_is_zero_once_drained(
    postgres_server: PostgresServer,
) -> None:
    name = await postgres_server.create_database("events_lag")
    transport = InProcessTransport(postgres_server.url(name), poll_seconds=0.2, batch_size=2)
    await transport.start()
    try:
        topic = new_topic()
        for n in range(5):
            await transport.publish(message(topic, "k", n))
        lags: list[int] = []
        collector = Collector()
        subscription = await transport.subscribe(
            "lagging", [topic], collector, on_lag=lambda _, lag: lags.append(lag)
        )
        await collector.wait_for(5)
        await settle(0.5)
        await subscription.close()
    finally:
        await transport.close()
        await postgres_server.drop_database(name)
    # Batches of two: three left after the first; a busy consumer counts at most once
    # a second (the one after the second batch may be skipped), then none is left.
    assert lags[0] == 3
    assert lags[-1] == 0
    assert set(lags) <= {3, 1, 0}


async def test_a_message_published_during_a_batch_is_not_left_for_the_poll(
    postgres_server: PostgresServer,
) -> None:
    """A batch that read to the end waits for the next publish rather than reading
    again at once; a publish while it ran must still wake it (no poll for 60 s here)."""
    name = await postgres_server.create_database("events_wake")
    transport = InProcessTransport(postgres_server.url(name), poll_seconds=60)
    await transport.start()
    try:
        topic = new_topic()
        collector = Collector()

        async def handler(msg: Message) -> None:
            await collector(msg)
            if len(collector.received) < 3:  # the next one, while this batch runs
                await transport.publish(message(topic, "k", len(collector.received)))

        subscription = await transport.subscribe("waking", [topic], handler)
        await transport.publish(message(topic, "k", 0))
        await asyncio.wait_for(collector.wait_for(3), timeout=10)
        await transport.publish(message(topic, "k", 3))  # and one after it went idle
        await asyncio.wait_for(collector.wait_for(4), timeout=10)
        await subscription.close()
    finally:
        await transport.close()
        await postgres_server.drop_database(name)
    assert collector.numbers() == [0, 1, 2, 3]


async def test_one_process_of_a_group_consumes_a_topic_and_another_takes_over_where_it_left(
    postgres_server: PostgresServer,
) -> None:
    """Two processes (two transports on one log) in one group: the lease holder alone
    handles the topic; when it stops, and when it loses its connection, the other
    goes on from the offset, nothing handled twice."""
    name = await postgres_server.create_database("events_lease")
    url = postgres_server.url(name)
    first = InProcessTransport(url, poll_seconds=0.2)
    second = InProcessTransport(url, poll_seconds=0.2)
    third = InProcessTransport(url, poll_seconds=0.2)
    for transport in (first, second, third):
        await transport.start()
    try:
        topic = new_topic()
        on_first, on_second, on_third = Collector(), Collector(), Collector()
        held = await first.subscribe("leased", [topic], on_first)
        for n in range(3):
            await first.publish(message(topic, "k", n))
        await on_first.wait_for(3)
        standby = await second.subscribe("leased", [topic], on_second)
        for n in range(3, 5):
            await first.publish(message(topic, "k", n))
        await on_first.wait_for(5)
        await settle(0.6)  # the standby's polls found the lease taken
        assert on_second.received == []

        await held.close()  # gives the lease back
        for n in range(5, 7):
            await first.publish(message(topic, "k", n))
        await on_second.wait_for(2)

        # The holder's lease connection dies (the server ends its session): the third
        # process, standing by, gets the lease and reads the offset the second left;
        # the second finds its lease gone within a second and stands by.
        await third.subscribe("leased", [topic], on_third)
        await settle(0.6)
        assert on_third.received == []
        async with first.autocommit.connect() as conn:
            ended = await conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                )
            )
            assert ended.scalar_one() == 1
        await settle(1.5)
        await first.publish(message(topic, "k", 7))
        await on_third.wait_for(1)
        await settle(0.6)
        await standby.close()
    finally:
        for transport in (first, second, third):
            await transport.close()
        await postgres_server.drop_database(name)
    assert on_first.numbers() == [0, 1, 2, 3, 4]
    assert on_second.numbers() == [5, 6]
    assert on_third.numbers() == [7]
