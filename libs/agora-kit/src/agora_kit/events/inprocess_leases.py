"""Which (group, topic) pairs of the in-process log this process consumes: a session
advisory lock per pair, all held on one connection of their own for as long as the
process consumes the topic, as a Kafka consumer owns its partitions (ADR 0095).

A process holding a pair's lease is its group's only consumer of that topic, so it
keeps the offset in memory and reads and commits without a transaction of its own; a
process without it stands by and asks again on its next round. The locks go with the
connection: a process that dies, or loses its connection, loses its leases, and the
keeper, asking the connection every few seconds, finds out and lets its rounds take
them again (and read the offset anew).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger("agora.events.inprocess")

# Two keys (group, topic): a space apart from the publishers' one-key topic locks.
TAKE = text("SELECT pg_try_advisory_lock(hashtext(:group), hashtext(:topic))")
GIVE_BACK = text("SELECT pg_advisory_unlock(hashtext(:group), hashtext(:topic))")
ALIVE = text("SELECT 1")

Pair = tuple[str, str]


class Leases:
    def __init__(self, autocommit: AsyncEngine) -> None:
        self._engine = autocommit
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one statement at a time on the connection
        self._held: set[Pair] = set()

    def holds(self, group: str, topic: str) -> bool:
        return (group, topic) in self._held

    async def take(self, group: str, topic: str) -> bool:
        """Whether this process now holds the pair (False: another process does)."""
        async with self._lock:
            if (group, topic) in self._held:
                return True
            try:
                if self._conn is None:
                    self._conn = await self._engine.connect()
                taken = bool(
                    (await self._conn.execute(TAKE, {"group": group, "topic": topic})).scalar()
                )
            except Exception:
                await self._lose()
                raise
            if taken:
                self._held.add((group, topic))
            return taken

    async def give_back(self, group: str, topic: str) -> None:
        async with self._lock:
            if (group, topic) not in self._held:
                return
            self._held.discard((group, topic))
            if self._conn is None:
                return
            try:
                await self._conn.execute(GIVE_BACK, {"group": group, "topic": topic})
            except Exception:
                await self._lose()

    async def keep(self, every: float) -> None:
        """Ask the connection whether it is alive every ``every`` seconds, until
        cancelled; when it is not, every lease is gone."""
        while True:
            await asyncio.sleep(every)
            async with self._lock:
                if self._conn is None:
                    continue
                try:
                    await self._conn.execute(ALIVE)
                except Exception:
                    logger.warning("the in-process log's leases were lost with their connection")
                    await self._lose()

    async def close(self) -> None:
        async with self._lock:
            await self._lose()

    async def _lose(self) -> None:
        self._held.clear()
        conn, self._conn = self._conn, None
        if conn is not None:
            # Not back to the pool, where the session would keep its locks: closed, which
            # gives them back if the server still has the session.
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()
