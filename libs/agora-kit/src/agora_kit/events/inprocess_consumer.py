"""The in-process transport's consumers: one loop per (group, topic), each round a
transaction holding the pair's advisory lock, reading after the offset and moving it
past what was handled (ADR 0089)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from agora_kit.events.envelope import Message
from agora_kit.events.inprocess_log import MOVE, NEXT, TRY_LOCK, consumer_offsets, event_log
from agora_kit.events.transport import LagCallback, MessageHandler
from agora_kit.waking import woken

if TYPE_CHECKING:
    from agora_kit.events.inprocess import InProcessTransport

logger = logging.getLogger("agora.events.inprocess")

# Least seconds between two lag reports of a busy consumer.
LAG_SECONDS = 1.0
# Most keys of one topic a consumer handles side by side (each key's messages in order).
HANDLERS = 6


class InProcessSubscription:
    """One group's consumption of its topics: a loop per topic, each round under the
    (group, topic) lock."""

    def __init__(
        self,
        transport: InProcessTransport,
        group: str,
        topics: list[str],
        handler: MessageHandler,
        on_lag: LagCallback | None,
        *,
        wanted: frozenset[str] | None = None,
    ) -> None:
        self.transport = transport
        # What the handler acts on: a publish of nothing else does not wake a round;
        # the poll reads past it, or the round a wanted message wakes.
        self.wanted = wanted
        self.group = group
        self.topics = topics
        self.handler = handler
        self.on_lag = on_lag
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._lag_reported_at: dict[str, float] = {}
        # The offset each topic's last round left, when this process held the topic.
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
        self.transport._forget(self)

    async def _consume(self, topic: str) -> None:
        waker = self.transport._waker(topic, self.wanted)
        try:
            async with self.transport.engine.begin() as conn:
                await conn.execute(
                    pg_insert(consumer_offsets)
                    .values(group_id=self.group, topic=topic)
                    .on_conflict_do_nothing()
                )
            read = True
            # Whether the log is known to hold something past the offset (this
            # process's own publish said so, or the last batch was full): then the
            # round needs no peek first.
            known = False
            while not self._stopping.is_set():
                waker.clear()
                progressed = failed = full = False
                if read:
                    try:
                        progressed, failed, full = await self._batch(topic, peek=not known)
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
                    read = known = True  # a full batch: more is likely (or the loop ends)
                    continue
                if failed:
                    delay = self.transport.redelivery_seconds
                elif topic not in self._positions:
                    # Not read yet, or another process of the group held the topic:
                    # try again at the next poll.
                    delay = self.transport.poll_seconds
                else:
                    # The transport's watcher wakes the round when the topic grows;
                    # a look of its own once in a long while, in case, at a time of its
                    # own (subscriptions started together must not look at once, each
                    # keeping a connection of the pool open for it).
                    delay = self.transport.rest_seconds * random.uniform(0.5, 1.0)  # noqa: S311
                if not await woken(waker, delay):
                    read, known = True, False
                else:
                    # Woken by a publish this round may already have read.
                    position = self._positions.get(topic)
                    known = position is not None and self.transport.may_hold_past(topic, position)
                    read = failed or position is None or known
        finally:
            self.transport._drop_waker(topic, waker)

    async def _batch(self, topic: str, *, peek: bool) -> tuple[bool, bool, bool]:
        """Handle the next messages after this group's offset. Returns (progressed, a
        handler failed, the batch was full): on a failure the offset stays before the
        failed message. ``peek``: first ask, outside a transaction, whether anything is
        past the offset this process last left (skipped when its own publish said so)."""
        handled_to = self._positions.get(topic)
        if (
            peek
            and handled_to is not None
            and not await self.transport.holds_past(topic, handled_to)
        ):
            self._report(topic, 0)
            return False, False, False
        async with self.transport.engine.begin() as conn:
            # An advisory lock, not a row lock: locking a row writes it, and the commit
            # of even an empty round would then wait for the disk.
            held = (
                await conn.execute(TRY_LOCK, {"group": self.group, "topic": topic})
            ).scalar_one()
            if not held:  # another process of this group holds the topic
                self._positions.pop(topic, None)
                return False, False, False
            found = (
                await conn.execute(
                    NEXT,
                    {"group": self.group, "topic": topic, "limit": self.transport.batch_size},
                )
            ).all()
            position = found[0].position
            rows = [row for row in found if row.id is not None]
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
        self._positions[topic] = position
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
        await conn.execute(MOVE, {"group": self.group, "topic": topic, "position": position})

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
