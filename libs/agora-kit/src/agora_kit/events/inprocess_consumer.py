"""The in-process transport's consumers: one loop per (group, topic), each round under
the pair's lease (``inprocess_leases``), reading after the offset and moving it past
what was handled, one statement at a time (ADR 0095)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from agora_kit.events.envelope import Message
from agora_kit.events.inprocess_log import POSITION, consumer_offsets, event_log
from agora_kit.events.transport import LagCallback, MessageHandler

if TYPE_CHECKING:
    from agora_kit.events.inprocess import InProcessTransport

logger = logging.getLogger("agora.events.inprocess")

# Least seconds between two lag reports of a busy consumer.
LAG_SECONDS = 1.0
# Most keys of one topic a consumer handles side by side (each key's messages in order).
HANDLERS = 6


class InProcessSubscription:
    """One group's consumption of its topics: a loop per topic, each round under the
    (group, topic) lease."""

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
        # Each topic's offset, while this process holds its lease.
        self._positions: dict[str, int] = {}

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
        for topic in self.topics:
            with contextlib.suppress(RuntimeError):  # the transport closed first
                await self.transport.leases.give_back(self.group, topic)
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
                        self._positions.pop(topic, None)
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
                    position = self._positions.get(topic)
                    read = (
                        failed or position is None or self.transport.may_hold_past(topic, position)
                    )
        finally:
            self.transport._drop_waker(topic, waker)

    async def _batch(self, topic: str) -> tuple[bool, bool, bool]:
        """Handle the next messages after this group's offset. Returns (progressed, a
        handler failed, the batch was full): on a failure the offset stays before the
        failed message."""
        start = await self._position(topic)
        if start is None:  # another process of this group holds the topic
            return False, False, False
        autocommit = self.transport.autocommit
        async with autocommit.connect() as conn:
            rows = (
                await conn.execute(
                    select(event_log)
                    .where(event_log.c.topic == topic, event_log.c.id > start)
                    .order_by(event_log.c.id)
                    .limit(self.transport.batch_size)
                )
            ).all()
        if not rows:
            self._report(topic, 0)
            return False, False, False
        # Keys are independent: each key's rows are handled in order, up to HANDLERS
        # keys side by side (as Kafka's partitions are). The offset moves to just
        # before the first row not handled, so a failure redelivers it and what
        # follows it; rows of other keys handled meanwhile come again and their inbox
        # drops them.
        by_key: dict[str, list[Row[Any]]] = {}
        for row in rows:
            by_key.setdefault(row.key, []).append(row)
        slots = asyncio.Semaphore(HANDLERS)
        stops = await asyncio.gather(
            *(self._handle_key(topic, key_rows, slots) for key_rows in by_key.values())
        )
        unhandled = min((row_id for row_id, _ in filter(None, stops)), default=None)
        failed = any(failure for _, failure in filter(None, stops))
        position = start
        for row in rows:
            if unhandled is not None and row.id >= unhandled:
                break
            position = row.id
        full = len(rows) == self.transport.batch_size
        async with autocommit.connect() as conn:
            if position != start:
                await conn.execute(
                    update(consumer_offsets)
                    .where(
                        consumer_offsets.c.group_id == self.group,
                        consumer_offsets.c.topic == topic,
                        # Never back: a process that lost its lease unawares may
                        # still be finishing a round.
                        consumer_offsets.c.position < position,
                    )
                    .values(position=position)
                )
                self._positions[topic] = position
            if unhandled is None and not full:
                # Read to the end and handled it all: nothing was left.
                self._report(topic, 0)
            elif time.monotonic() - self._lag_reported_at.get(topic, -LAG_SECONDS) >= LAG_SECONDS:
                # Otherwise the lag costs a count: at most once a second.
                await self._report_lag(conn, topic, position)
        return position != start, failed, full

    async def _position(self, topic: str) -> int | None:
        """The topic's offset, once this process holds its lease; None while another
        process does. Read from the log when the lease is new (or was lost)."""
        leases = self.transport.leases
        if not leases.holds(self.group, topic):
            self._positions.pop(topic, None)
            if not await leases.take(self.group, topic):
                return None
        position = self._positions.get(topic)
        if position is None:
            async with self.transport.autocommit.connect() as conn:
                found = await conn.execute(POSITION, {"group": self.group, "topic": topic})
                position = self._positions[topic] = int(found.scalar_one())
        return position

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

    def _report(self, topic: str, lag: int) -> None:
        self._lag_reported_at[topic] = time.monotonic()
        if self.on_lag is not None:
            self.on_lag(topic, lag)

    async def _report_lag(self, conn: Any, topic: str, position: int) -> None:
        if self.on_lag is None:
            return
        newest = (
            await conn.execute(
                select(func.count()).where(event_log.c.topic == topic, event_log.c.id > position)
            )
        ).scalar_one()
        self._report(topic, int(newest))
