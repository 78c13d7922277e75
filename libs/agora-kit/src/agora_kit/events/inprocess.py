"""The in-process transport of all-in-one mode.

The broker runs inside the ``agora`` process; its log is a table in a database of the
embedded PostgreSQL server, so a message the relay handed over survives a crash or a
restart like it would on Kafka. Consumer groups keep an offset per topic; an advisory
lock on (group, topic) is held while a batch is handled, so two processes in one group
never handle the same topic at once. Publishing takes a per-topic advisory lock so log
ids commit in order and a consumer reading "after my offset" never skips a late commit.

A publish wakes this process's consumers of its topic, and a woken consumer reads
only when the log may hold something past what it handled; a round that finds nothing
writes nothing, so it costs no commit to disk (ADR 0089). Other processes' publishes
are found by the poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Row,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from agora_kit.events.envelope import Message
from agora_kit.events.inprocess_log import (
    ANY_PAST,
    POSITION,
    TRY_LOCK,
    consumer_offsets,
    event_log,
    log_metadata,
)
from agora_kit.events.inprocess_retention import LogRetention
from agora_kit.events.transport import LagCallback, MessageHandler, SubscribingTransport
from agora_kit.settings import CommonSettings

logger = logging.getLogger("agora.events.inprocess")

# Least seconds between two lag reports of a busy consumer.
LAG_SECONDS = 1.0
# Most keys of one topic a consumer handles side by side (each key's messages in order).
HANDLERS = 6


class InProcessTransport(SubscribingTransport["_Subscription"]):
    name = "inprocess"

    def __init__(
        self,
        url: str,
        *,
        poll_seconds: float = 1.0,
        batch_size: int = 100,
        redelivery_seconds: float = 1.0,
        retention: timedelta = timedelta(days=7),
        trim_seconds: float = 3600.0,
    ) -> None:
        super().__init__(redelivery_seconds=redelivery_seconds, batch_size=batch_size)
        self.url = url
        self.poll_seconds = poll_seconds
        self.retention = LogRetention(retention, trim_seconds)
        self._engine: AsyncEngine | None = None
        # The same pool, each statement on its own (no BEGIN/COMMIT round trips).
        self._autocommit: AsyncEngine | None = None
        self._wakers: dict[str, set[asyncio.Event]] = {}
        # The newest log id this process wrote, per topic.
        self._newest: dict[str, int] = {}
        self._pending: list[tuple[Message, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, common: CommonSettings) -> InProcessTransport:
        days, seconds = common.event_log_retention_days, common.event_log_trim_seconds
        return cls(common.events_database_url, retention=timedelta(days=days), trim_seconds=seconds)

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("the in-process transport is not started")
        return self._engine

    async def start(self) -> None:
        if self._engine is not None:
            return
        self._engine = create_async_engine(self.url, pool_size=5, max_overflow=20)
        self._autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")
        async with self._engine.begin() as conn:
            # Two processes starting at once must not race creating the tables.
            await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('agora_event_log'))"))
            await conn.run_sync(log_metadata.create_all)
        self.retention.start(self._engine)

    async def close(self) -> None:
        await self.retention.stop()
        await self._close_subscriptions()
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer
            self._writer = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = self._autocommit = None

    async def check(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def publish(self, message: Message) -> None:
        """Returns once the message's log row committed. Messages published while a
        write is under way are written together by the next one, in one transaction
        (one commit, one fsync, for a relay round's worth), in the order they came."""
        accepted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((message, accepted))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending(), name="event-log-writer")
        await accepted

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._write([message for message, _ in batch])
            except Exception as exc:
                for _, accepted in batch:
                    if not accepted.done():
                        accepted.set_exception(exc)
                continue
            except BaseException:
                for _, accepted in [*batch, *self._pending]:
                    accepted.cancel()
                self._pending = []
                raise
            for _, accepted in batch:
                if not accepted.done():
                    accepted.set_result(None)
            for topic in {message.topic for message, _ in batch}:
                for waker in self._wakers.get(topic, ()):
                    waker.set()

    async def _write(self, messages: list[Message]) -> None:
        """Append the messages to the log in one transaction; once it committed, note
        the newest id written per topic."""
        async with self.engine.begin() as conn:
            # Sorted, so two processes taking several topics' locks cannot deadlock.
            for topic in sorted({message.topic for message in messages}):
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:topic))"), {"topic": topic}
                )
            # Rows as parameters of one statement (executemany, in order): a
            # multi-row VALUES would be a new statement to compile for every count.
            written = await conn.execute(
                event_log.insert().returning(event_log.c.topic, event_log.c.id),
                [
                    {
                        "topic": message.topic,
                        "key": message.key,
                        "headers": [[k, v.decode()] for k, v in message.headers],
                        "value": message.value,
                    }
                    for message in messages
                ],
            )
            newest: dict[str, int] = {}
            for topic, row_id in written:
                newest[topic] = max(row_id, newest.get(topic, 0))
        for topic, row_id in newest.items():
            self._newest[topic] = max(row_id, self._newest.get(topic, 0))

    async def holds_past(self, topic: str, position: int) -> bool:
        """Whether the log holds messages of ``topic`` past ``position`` (one query,
        no transaction)."""
        if self._autocommit is None:
            raise RuntimeError("the in-process transport is not started")
        async with self._autocommit.connect() as conn:
            past = await conn.execute(ANY_PAST, {"topic": topic, "position": position})
            return bool(past.scalar_one())

    def may_hold_past(self, topic: str, position: int) -> bool:
        """Whether the log may hold messages of ``topic`` past ``position``, as far as
        this process's own publishes tell."""
        return self._newest.get(topic, 0) > position

    async def _open(
        self, group: str, topics: list[str], handler: MessageHandler, on_lag: LagCallback | None
    ) -> _Subscription:
        return _Subscription(self, group, topics, handler, on_lag)

    def _waker(self, topic: str) -> asyncio.Event:
        waker = asyncio.Event()
        self._wakers.setdefault(topic, set()).add(waker)
        return waker

    def _drop_waker(self, topic: str, waker: asyncio.Event) -> None:
        self._wakers.get(topic, set()).discard(waker)


class _Subscription:
    def __init__(
        self,
        transport: InProcessTransport,
        group: str,
        topics: list[str],
        handler: MessageHandler,
        on_lag: LagCallback | None,
    ) -> None:
        self.transport = transport
        self.group = group
        self.topics = topics
        self.handler = handler
        self.on_lag = on_lag
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._lag_reported_at: dict[str, float] = {}
        # The offset each topic's last round left, when this process held the topic.
        self._handled_to: dict[str, int] = {}

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._consume(topic), name=f"consume-{self.group}-{topic}")
            for topic in self.topics
        ]

    async def close(self) -> None:
        # Stop between messages so the offset of what was handled is committed; cancel
        # only a handler that does not finish in time (it is then delivered again).
        self._stopping.set()
        for topic in self.topics:
            for waker in self.transport._wakers.get(topic, ()):
                waker.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=10)
            for task in pending:
                task.cancel()
            for task in self._tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._tasks = []
        self.transport._forget(self)

    async def _consume(self, topic: str) -> None:
        waker = self.transport._waker(topic)
        try:
            async with self.transport.engine.begin() as conn:
                await conn.execute(
                    pg_insert(consumer_offsets)
                    .values(group_id=self.group, topic=topic)
                    .on_conflict_do_nothing()
                )
            read = True
            while not self._stopping.is_set():
                waker.clear()
                progressed = failed = full = False
                if read:
                    try:
                        progressed, failed, full = await self._batch(topic)
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        logger.exception("in-process consumer %s on %s failed", self.group, topic)
                        self._handled_to.pop(topic, None)
                        failed = True
                # After a batch that was not full, what is left was published after its
                # query, and each publish here sets the waker: wait for it (or the
                # poll, for other processes' publishes) rather than read nothing.
                if (progressed and not failed and full) or self._stopping.is_set():
                    read = True
                    continue
                delay = self.transport.redelivery_seconds if failed else self.transport.poll_seconds
                try:
                    await asyncio.wait_for(waker.wait(), timeout=delay)
                except TimeoutError:
                    read = True
                else:
                    # Woken by a publish this round may already have read.
                    handled_to = self._handled_to.get(topic)
                    read = (
                        failed
                        or handled_to is None
                        or self.transport.may_hold_past(topic, handled_to)
                    )
        finally:
            self.transport._drop_waker(topic, waker)

    async def _batch(self, topic: str) -> tuple[bool, bool, bool]:
        """Handle the next messages after this group's offset. Returns (progressed, a
        handler failed, the batch was full): on a failure the offset stays before the
        failed message."""
        handled_to = self._handled_to.get(topic)
        if handled_to is not None and not await self.transport.holds_past(topic, handled_to):
            self._report(topic, 0)
            return False, False, False
        async with self.transport.engine.begin() as conn:
            # An advisory lock, not a row lock: locking a row writes it, and the commit
            # of even an empty round would then wait for the disk.
            held = (
                await conn.execute(TRY_LOCK, {"group": self.group, "topic": topic})
            ).scalar_one()
            if not held:  # another process of this group holds the topic
                self._handled_to.pop(topic, None)
                return False, False, False
            position = (
                await conn.execute(POSITION, {"group": self.group, "topic": topic})
            ).scalar_one()
            rows = (
                await conn.execute(
                    select(event_log)
                    .where(event_log.c.topic == topic, event_log.c.id > position)
                    .order_by(event_log.c.id)
                    .limit(self.transport.batch_size)
                )
            ).all()
            start = position
            # Keys are independent: each key's rows are handled in order, up to
            # HANDLERS keys side by side (as Kafka's partitions are). The offset moves
            # to just before the first row not handled, so a failure redelivers it and
            # what follows it; rows of other keys handled meanwhile come again and
            # their inbox drops them.
            by_key: dict[str, list[Row[Any]]] = {}
            for row in rows:
                by_key.setdefault(row.key, []).append(row)
            slots = asyncio.Semaphore(HANDLERS)
            stops = await asyncio.gather(
                *(self._handle_key(topic, key_rows, slots) for key_rows in by_key.values())
            )
            unhandled = min((row_id for row_id, _ in filter(None, stops)), default=None)
            failed = any(failure for _, failure in filter(None, stops))
            for row in rows:
                if unhandled is not None and row.id >= unhandled:
                    break
                position = row.id
            if position != start:
                await self._commit(conn, topic, position)
            full = len(rows) == self.transport.batch_size
            if unhandled is None and not full:
                # Read to the end and handled it all: nothing was left.
                self._report(topic, 0)
            elif time.monotonic() - self._lag_reported_at.get(topic, -LAG_SECONDS) >= LAG_SECONDS:
                # Otherwise the lag costs a count: at most once a second.
                await self._report_lag(conn, topic, position)
        self._handled_to[topic] = position
        return position != start, failed, full

    async def _handle_key(
        self, topic: str, rows: list[Row[Any]], slots: asyncio.Semaphore
    ) -> tuple[int, bool] | None:
        """Handle one key's rows in order; None when all were handled, else the id of
        the first that was not and whether its handler failed (or the consumer is
        stopping)."""
        async with slots:
            for row in rows:
                if self._stopping.is_set():
                    return row.id, False
                message = Message(
                    topic=row.topic,
                    key=row.key,
                    headers=tuple((k, v.encode()) for k, v in row.headers),
                    value=row.value,
                    position=str(row.id),
                )
                try:
                    await self.handler(message)
                except Exception:
                    logger.exception(
                        "handler of %s failed on %s@%s; will redeliver", self.group, topic, row.id
                    )
                    return row.id, True
        return None

    async def _commit(self, conn: AsyncConnection, topic: str, position: int) -> None:
        await conn.execute(
            update(consumer_offsets)
            .where(consumer_offsets.c.group_id == self.group, consumer_offsets.c.topic == topic)
            .values(position=position)
        )

    def _report(self, topic: str, lag: int) -> None:
        self._lag_reported_at[topic] = time.monotonic()
        if self.on_lag is not None:
            self.on_lag(topic, lag)

    async def _report_lag(self, conn: AsyncConnection, topic: str, position: int) -> None:
        if self.on_lag is None:
            return
        newest = (
            await conn.execute(
                select(func.count()).where(event_log.c.topic == topic, event_log.c.id > position)
            )
        ).scalar_one()
        self._report(topic, int(newest))
