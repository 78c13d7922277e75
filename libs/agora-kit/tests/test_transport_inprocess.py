from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Connection, event, select, text

from agora_kit.events.envelope import CloudEvent, Message, to_message
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.events.inprocess_log import MOVE, consumer_offsets
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


async def test_a_round_woken_by_this_process_publish_reads_without_peeking_first(
    postgres_server: PostgresServer,
) -> None:
    """The peek ("is anything past my offset?") is for polls, which may find nothing;
    a publish of this process says there is something, so the round just reads."""
    name = await postgres_server.create_database("events_nopeek")
    transport = InProcessTransport(postgres_server.url(name), poll_seconds=60)
    await transport.start()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(transport.engine.sync_engine, "before_cursor_execute", seen)
    try:
        topic = new_topic()
        collector = Collector()
        subscription = await transport.subscribe("unpeeking", [topic], collector)
        await transport.publish(message(topic, "k", 0))
        await asyncio.wait_for(collector.wait_for(1), timeout=10)
        await settle(0.3)  # the first round ran before the offset was known here
        statements.clear()
        for n in (1, 2):
            await transport.publish(message(topic, "k", n))
            await asyncio.wait_for(collector.wait_for(n + 1), timeout=10)
        await settle(0.3)
        await subscription.close()
    finally:
        event.remove(transport.engine.sync_engine, "before_cursor_execute", seen)
        await transport.close()
        await postgres_server.drop_database(name)
    assert collector.numbers() == [0, 1, 2]
    assert any("FROM consumer_offsets o LEFT JOIN LATERAL" in s for s in statements)
    assert not [s for s in statements if "SELECT EXISTS" in s]


async def test_moving_an_offset_does_not_wait_for_the_disk_and_leaves_the_session_as_it_was(
    postgres_server: PostgresServer,
) -> None:
    name = await postgres_server.create_database("events_move")
    transport = InProcessTransport(postgres_server.url(name))
    await transport.start()
    try:
        async with transport.engine.connect() as conn:
            await conn.execute(
                consumer_offsets.insert().values(group_id="g", topic="t", position=0)
            )
            # This session as a durable server's (the test server flushes nothing).
            await conn.execute(text("SET synchronous_commit = on"))
            await conn.commit()
            await conn.execute(MOVE, {"group": "g", "topic": "t", "position": 7})
            in_move = (await conn.execute(text("SHOW synchronous_commit"))).scalar_one()
            await conn.commit()
            after = (await conn.execute(text("SHOW synchronous_commit"))).scalar_one()
            moved = (await conn.execute(select(consumer_offsets.c.position))).scalar_one()
            await conn.rollback()
    finally:
        await transport.close()
        await postgres_server.drop_database(name)
    assert (in_move, after, moved) == ("off", "on", 7)


@pytest.mark.parametrize("flushes", [True, False])
async def test_a_log_that_shares_the_outboxes_server_writes_without_waiting_for_the_disk(
    postgres_server: PostgresServer, flushes: bool
) -> None:
    name = await postgres_server.create_database(f"events_flush_{flushes}".lower())
    transport = InProcessTransport(postgres_server.url(name), flushes=flushes)
    await transport.start()
    locks: list[str] = []

    def seen(_conn: Connection, _cursor: object, statement: str, *_: object) -> None:
        if "pg_advisory_xact_lock(hashtext($1))" in statement:
            locks.append(statement)

    try:
        async with transport.engine.connect() as conn:
            # This session as a durable server's (the test server flushes nothing).
            await conn.execute(text("SET synchronous_commit = on"))
            await conn.execute(transport._lock, {"topic": "t"})
            setting = (await conn.execute(text("SHOW synchronous_commit"))).scalar_one()
            await conn.rollback()
        event.listen(transport.engine.sync_engine, "after_cursor_execute", seen)
        await transport.publish(message(new_topic(), "k", 1))
    finally:
        event.remove(transport.engine.sync_engine, "after_cursor_execute", seen)
        await transport.close()
        await postgres_server.drop_database(name)
    # The write's transaction commits with what its lock statement set.
    assert setting == ("on" if flushes else "off")
    assert len(locks) == 1
    assert ("set_config" in locks[0]) is not flushes


def typed(topic: str, n: int, event_type: str) -> Message:
    event = CloudEvent(source="/agora/test", type=event_type, data={"n": n})
    return to_message(topic, "k", event)


@contextlib.asynccontextmanager
async def two_processes(
    postgres_server: PostgresServer, database: str, *, poll_seconds: float = 60
) -> AsyncIterator[tuple[InProcessTransport, InProcessTransport]]:
    """Two transports on one log, standing for two processes: ``here`` (whose poll is
    ``poll_seconds`` away) and ``there``; a subscription's own look is a minute away."""
    name = await postgres_server.create_database(database)
    here = InProcessTransport(postgres_server.url(name), poll_seconds=poll_seconds, rest_seconds=60)
    there = InProcessTransport(postgres_server.url(name), poll_seconds=60, rest_seconds=60)
    await here.start()
    await there.start()
    try:
        await asyncio.wait_for(here._listener.listening.wait(), timeout=10)
        yield here, there
    finally:
        await there.close()
        await here.close()
        await postgres_server.drop_database(name)


async def stop_listening(transport: InProcessTransport) -> None:
    assert transport._listening is not None
    transport._listening.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await transport._listening


async def test_a_publish_of_types_a_subscription_does_not_want_waits_for_one_it_wants(
    postgres_server: PostgresServer,
) -> None:
    """Messages the handler does not act on cost a round each if they wake it; they
    wait for the next wanted one (or the poll, 60 s here) and come with it, in order."""
    name = await postgres_server.create_database("events_wanted")
    transport = InProcessTransport(postgres_server.url(name), poll_seconds=60)
    await transport.start()
    wanted, other = "agora.test.thing.wanted.v1", "agora.test.thing.other.v1"
    try:
        topic = new_topic()
        collector, everything = Collector(), Collector()
        picky = await transport.subscribe("picky", [topic], collector, wanted=frozenset({wanted}))
        greedy = await transport.subscribe("greedy", [topic], everything)
        await transport.publish(typed(topic, 0, wanted))
        await asyncio.wait_for(collector.wait_for(1), timeout=10)
        # Let the round that handed over message 0 end: a message published while a
        # round runs is read by the next one, wanted or not (the round cannot tell).
        await settle(0.5)
        await transport.publish(typed(topic, 1, other))
        await asyncio.wait_for(everything.wait_for(2), timeout=10)
        await settle(0.5)
        held_back = collector.numbers()
        await transport.publish(typed(topic, 2, wanted))
        await asyncio.wait_for(collector.wait_for(3), timeout=10)
        await asyncio.wait_for(everything.wait_for(3), timeout=10)
        await picky.close()
        await greedy.close()
    finally:
        await transport.close()
        await postgres_server.drop_database(name)
    assert held_back == [0]
    assert collector.numbers() == [0, 1, 2]
    assert everything.numbers() == [0, 1, 2]


async def test_a_lone_message_is_written_in_one_statement_and_arrives_whole(
    transport: InProcessTransport,
) -> None:
    """Not BEGIN, the lock, the insert and COMMIT: one statement, its own transaction;
    the message, headers included, is what a subscriber reads."""
    statements: list[str] = []

    def seen(_conn: Connection, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    topic = new_topic()
    sent = message(topic, "k", 7)
    collector = Collector()
    subscription = await transport.subscribe("lone", [topic], collector)
    try:
        event.listen(transport.engine.sync_engine, "after_cursor_execute", seen)
        await transport.publish(sent)
        event.remove(transport.engine.sync_engine, "after_cursor_execute", seen)
        await collector.wait_for(1)
    finally:
        await subscription.close()
    writes = [s for s in statements if "event_log" in s and "INSERT" in s]
    assert len(writes) == 1
    assert "pg_advisory_xact_lock" in writes[0]
    # No lock statement of its own (the transaction of several messages has one).
    assert not any(s.startswith("SELECT pg_advisory_xact_lock") for s in statements)
    (received,) = collector.received
    assert (received.key, received.value, received.headers) == (sent.key, sent.value, sent.headers)


async def test_idle_subscriptions_cost_one_query_a_poll_for_the_whole_process(
    postgres_server: PostgresServer,
) -> None:
    """At rest, a process's subscriptions do not each ask the log whether anything is
    past their offset every poll: its watcher asks once for every topic."""
    name = await postgres_server.create_database("events_watch")
    transport = InProcessTransport(postgres_server.url(name), poll_seconds=0.1, rest_seconds=60)
    await transport.start()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(transport.engine.sync_engine, "before_cursor_execute", seen)
    try:
        topics = [new_topic() for _ in range(6)]
        collector = Collector()
        subscriptions = [
            await transport.subscribe(f"watched-{n}", [topic], collector)
            for n, topic in enumerate(topics)
        ]
        for n, topic in enumerate(topics):
            await transport.publish(message(topic, "k", n))
        await asyncio.wait_for(collector.wait_for(6), timeout=10)
        await settle(0.5)
        statements.clear()
        await settle(1.0)  # ten polls
        idle = list(statements)
        for subscription in subscriptions:
            await subscription.close()
    finally:
        event.remove(transport.engine.sync_engine, "before_cursor_execute", seen)
        await transport.close()
        await postgres_server.drop_database(name)
    assert sorted(collector.numbers()) == [0, 1, 2, 3, 4, 5]
    assert idle, "the watcher asked nothing"
    assert all("unnest(" in s for s in idle), idle
    assert len(idle) <= 12


async def test_another_process_publish_wakes_the_subscription_within_a_poll(
    postgres_server: PostgresServer,
) -> None:
    """A second transport on the same log stands for another process. With the
    listener away (its notifications lost), the watcher's poll still finds the other
    process's publishes: the safety net (a subscription's own look is a minute away)."""
    async with two_processes(postgres_server, "events_other", poll_seconds=0.1) as (here, there):
        await stop_listening(here)
        topic = new_topic()
        collector = Collector()
        subscription = await here.subscribe("watching", [topic], collector)
        await here.publish(message(topic, "k", 0))
        await asyncio.wait_for(collector.wait_for(1), timeout=10)
        await settle(0.3)
        for n in (1, 2):
            await there.publish(message(topic, "k", n))
            await asyncio.wait_for(collector.wait_for(n + 1), timeout=5)
        await subscription.close()
    assert collector.numbers() == [0, 1, 2]


async def test_another_process_write_wakes_the_subscriptions_that_want_it_at_once(
    postgres_server: PostgresServer,
) -> None:
    """Each write's ``pg_notify`` reaches the other process's transport, which wakes
    its subscriptions as its own publishes do: without waiting for a poll (a minute
    away here), for a lone message and for several written in one transaction, and
    only those that want one of the types written (ADR 0129)."""
    wanted, other = "agora.test.thing.wanted.v1", "agora.test.thing.other.v1"
    async with two_processes(postgres_server, "events_told") as (here, there):
        topic = new_topic()
        everything, picky = Collector(), Collector()
        greedy_sub = await here.subscribe("told-greedy", [topic], everything)
        picky_sub = await here.subscribe("told-picky", [topic], picky, wanted=frozenset({wanted}))
        await settle(0.5)  # both have read the empty log and wait to be woken
        await there.publish(typed(topic, 0, wanted))
        await asyncio.wait_for(picky.wait_for(1), timeout=5)
        await asyncio.wait_for(everything.wait_for(1), timeout=5)
        await settle(0.3)
        # Three at once: one transaction, one notification for the topic.
        await asyncio.gather(*(there.publish(typed(topic, n, other)) for n in (1, 2, 3)))
        await asyncio.wait_for(everything.wait_for(4), timeout=5)
        await settle(0.5)
        held_back = picky.numbers()
        await there.publish(typed(topic, 4, wanted))
        await asyncio.wait_for(picky.wait_for(5), timeout=5)
        await greedy_sub.close()
        await picky_sub.close()
    assert everything.numbers()[:4] == [0, 1, 2, 3]
    assert held_back == [0]
    assert picky.numbers() == [0, 1, 2, 3, 4]


async def test_a_transport_ignores_what_its_own_writes_tell(
    transport: InProcessTransport,
) -> None:
    """Its own publishes woke its subscriptions already: hearing them again from the
    server would cost each a round for nothing."""
    topic = new_topic()
    woken_for: list[str] = []
    waker = transport._waker(topic, None)
    original = waker.set

    def counting_set() -> None:
        woken_for.append(topic)
        original()

    waker.set = counting_set  # type: ignore[method-assign]
    try:
        transport._heard(f"{transport.origin} 7 agora.test.v1 {topic}")
        own = list(woken_for)
        transport._heard(f"someone-else 8 agora.test.v1 {topic}")
        transport._heard("not a payload")
    finally:
        transport._drop_waker(topic, waker)
    assert own == []
    assert woken_for == [topic]
    assert transport.may_hold_past(topic, 7)


async def test_what_was_written_while_the_listener_was_away_is_found_when_it_listens_again(
    postgres_server: PostgresServer,
) -> None:
    """A notification sent while nobody listened is lost: listening again, the
    transport looks at once (its poll is a minute away here) and finds the write."""
    async with two_processes(postgres_server, "events_away") as (here, there):
        topic = new_topic()
        collector = Collector()
        subscription = await here.subscribe("away", [topic], collector)
        await there.publish(message(topic, "k", 0))
        await asyncio.wait_for(collector.wait_for(1), timeout=5)
        await settle(0.3)
        await stop_listening(here)  # the listener is away...
        await there.publish(message(topic, "k", 1))  # ...and misses this
        await settle(0.5)
        missed = collector.numbers()
        here._listening = asyncio.create_task(here._listener.run())
        await asyncio.wait_for(collector.wait_for(2), timeout=5)
        await subscription.close()
    assert missed == [0]
    assert collector.numbers() == [0, 1]
