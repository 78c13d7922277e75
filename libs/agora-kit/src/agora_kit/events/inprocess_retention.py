"""Retention of the in-process transport's log (ADR 0094).

A message is deleted once every consumer group of its topic has read past it and it is
older than the retention (7 days by default), or, whatever its age, once every group has
read past it and it names an erased user: its key is the user's id or its payload holds
it (the user's own events carry the address and name, an order's the shipping address).
A user is erased when the log holds their ``user.deleted`` event; the ids are kept in
``erased_users`` for as long as the retention, so their events are purged after the
deletion event itself is gone. A topic no group reads is trimmed by age alone: a group
that subscribes later starts from what is left, as on Kafka.

Messages no group has read yet are never deleted: retention must not lose an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from agora_contracts.user import USER_TOPIC, UserDeleted

logger = logging.getLogger("agora.events.inprocess")

_RECORD_ERASED = text(
    "INSERT INTO erased_users (user_id) SELECT DISTINCT key FROM event_log "
    "WHERE topic = :user_topic AND headers @> CAST(:deleted AS jsonb) "
    "ON CONFLICT DO NOTHING"
)
# Read past: at or before the least position of the topic's groups (every row of a
# topic no group reads).
_TRIM = text(
    "DELETE FROM event_log e "
    "WHERE e.id <= coalesce("
    "  (SELECT min(o.position) FROM consumer_offsets o WHERE o.topic = e.topic),"
    "  9223372036854775807) "
    "AND (e.created_at < now() - CAST(:retention AS interval) OR EXISTS ("
    "  SELECT 1 FROM erased_users u "
    "  WHERE e.key = u.user_id OR position(convert_to(u.user_id, 'UTF8') IN e.value) > 0))"
)
_FORGET_ERASED = text(
    "DELETE FROM erased_users WHERE erased_at < now() - CAST(:retention AS interval)"
)


async def trim(engine: AsyncEngine, retention: timedelta) -> int:
    """One round: note the users erased, delete what is read past and old or theirs;
    how many messages were deleted."""
    deleted = f'[["ce_type", "{UserDeleted.event_type}"]]'
    async with engine.begin() as conn:
        await conn.execute(_RECORD_ERASED, {"user_topic": USER_TOPIC, "deleted": deleted})
        trimmed = await conn.execute(_TRIM, {"retention": retention})
        await conn.execute(_FORGET_ERASED, {"retention": retention})
    return int(trimmed.rowcount or 0)


class LogRetention:
    """Trims the log now and then every ``seconds``, from the transport's start to its
    close; a failed round is logged and the next one tries again."""

    def __init__(self, retention: timedelta, seconds: float) -> None:
        self.retention = retention
        self.seconds = seconds
        self._task: asyncio.Task[None] | None = None

    def start(self, engine: AsyncEngine) -> None:
        self._task = asyncio.create_task(self._run(engine), name="event-log-retention")

    async def _run(self, engine: AsyncEngine) -> None:
        while True:
            try:
                trimmed = await trim(engine, self.retention)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("trimming the event log failed")
            else:
                if trimmed:
                    logger.info("trimmed %s messages from the event log", trimmed)
            await asyncio.sleep(self.seconds)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
