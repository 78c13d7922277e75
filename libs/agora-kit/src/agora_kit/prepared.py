"""The hottest reads run by asyncpg itself, on the connection SQLAlchemy checked out.

A ``PreparedRead`` is a Core statement compiled once, at import, to the SQL asyncpg
runs (``$n`` placeholders), which asyncpg prepares once per connection. On a read
session (``Database.read()``: no transaction, ADR 0084) its rows come from asyncpg
directly: no compiled-cache lookup, execution context, cursor adaptation or result
set-up per statement, which were most of SQLAlchemy's share of a product read (ADR
0121). The values are what SQLAlchemy would give for the column types asyncpg decodes
itself: UUIDs, text, numbers, timestamps, and JSON, whose codec the dialect installs
on every connection it opens.

Anywhere else the statement goes through the session as any other: in a transaction
(SQLAlchemy flushes pending changes and begins first), and after a failure of the
connection, so that SQLAlchemy finds a dead connection as it does for its own
statements (the pool invalidated, a 503 to retry; ADR 0083).

A read session that holds no connection yet (no ORM statement has run in it) does not
take one for a prepared read: the statement borrows a connection of the engine's pool
for itself alone and gives it back at once, so the session never begins, and neither
its transaction, its engine connection nor their close run per request (ADR 0121). A
session that holds a connection lends it, so a request never holds two connections of
the bounded pool at once (ADR 0114). A borrowed connection that fails is invalidated
(closed; its slot connects again) and the statement goes through the session, on
another connection. An idle connection is borrowed and given back without SQLAlchemy's
greenlet, which cost more than the rest of the checkout (``_checkout``, ADR 0124).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from asyncpg import PostgresError
from sqlalchemy import Select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import MissingGreenlet
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.util import greenlet_spawn

logger = logging.getLogger("agora.db")

# Set on the sessions of Database.read(): statements there need no transaction.
READS_ONLY = "agora_reads_only"
# Also set there when the pool does not ping connections as they leave it: a prepared
# read may then take an idle one without a greenlet (``_checkout``).
DIRECT_CHECKOUT = "agora_direct_checkout"

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


class PreparedRead:
    """A select whose parameters are of types asyncpg takes as they are (UUIDs, text,
    numbers, timestamps): no bind processing is applied on the driver path."""

    def __init__(self, statement: Select[Any]) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        if compiled.positiontup is None:
            raise TypeError("a prepared read needs positional parameters")
        self.statement = statement
        self.sql = compiled.string
        self._names = tuple(compiled.positiontup)
        # Literal values bound in the statement itself, and None for the named ones.
        self._fixed = compiled.params

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = {**self._fixed, **params}
        return [values[name] for name in self._names]

    async def rows(self, session: AsyncSession, params: Mapping[str, Any]) -> Sequence[Any]:
        """The statement's rows (each indexable and sliceable) for ``params``."""
        if session.info.get(READS_ONLY) is True:
            if session.in_transaction():  # it holds a connection: on that one
                connection = await session.connection()
                lent = await connection.get_raw_connection()
                found = await self._fetch(lent, params, borrowed=False)
            else:
                found = await self._on_borrowed(session, params)
            if found is not None:
                return found
        return (await session.execute(self.statement, dict(params))).all()

    async def _on_borrowed(
        self, session: AsyncSession, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]] | None:
        """On a connection of the session's pool, borrowed for this statement alone."""
        engine = session.bind
        if not isinstance(engine, AsyncEngine):
            return None
        borrowed = await _checkout(engine, direct=session.info.get(DIRECT_CHECKOUT) is True)
        try:
            return await self._fetch(borrowed, params, borrowed=True)
        finally:
            # Back to the pool (closed if invalidated). This never awaits: the queue
            # has room for every connection, and the reset's ROLLBACK is sent only
            # when the driver began a transaction, which asyncpg's fetch does not.
            borrowed.close()

    async def _fetch(
        self, connection: PoolProxiedConnection, params: Mapping[str, Any], *, borrowed: bool
    ) -> list[tuple[Any, ...]] | None:
        """The rows from asyncpg, or None when the connection failed (the statement
        then goes through the session)."""
        driver: Any = connection.driver_connection
        try:
            records = await driver.fetch(self.sql, *self.arguments(params))
        except (PostgresError, TimeoutError):
            raise  # the server's answer, or a bound of ADR 0111: as SQLAlchemy's path
        except Exception as exc:
            # Said, so a fast path that always fell back would not go unseen. A
            # borrowed connection is ours to invalidate; the session's own is found
            # dead by SQLAlchemy as it runs the statement again.
            logger.warning("prepared read fell back to SQLAlchemy", exc_info=True)
            if borrowed:
                await greenlet_spawn(connection.invalidate, exc)
            return None
        return [tuple(record) for record in records]


async def _checkout(engine: AsyncEngine, *, direct: bool) -> PoolProxiedConnection:
    """A connection of ``engine``'s pool.

    SQLAlchemy's pool is synchronous code that awaits, through a greenlet, only to wait
    for a connection (ADR 0114), to open one, or to ping it. With an idle connection in
    the pool and no pre-ping (``direct``), none of that runs: the connection is taken
    without the greenlet, whose hand-offs cost more than the checkout itself (ADR
    0124). An idle slot whose connection was closed (``Database.close_idle``) or is
    stale must connect: SQLAlchemy refuses to await outside a greenlet before doing
    anything (``MissingGreenlet``) and puts the slot back, and the checkout is made
    again through ``greenlet_spawn``, as SQLAlchemy's own checkouts are."""
    sync_engine = engine.sync_engine
    pool = sync_engine.pool
    if direct and isinstance(pool, QueuePool) and pool.checkedin() > 0:
        with contextlib.suppress(MissingGreenlet):
            return sync_engine.raw_connection()
    return await greenlet_spawn(sync_engine.raw_connection)
