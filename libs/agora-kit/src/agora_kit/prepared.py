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
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from asyncpg import PostgresError
from sqlalchemy import Select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger("agora.db")

# Set on the sessions of Database.read(): statements there need no transaction.
READS_ONLY = "agora_reads_only"

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
            connection = await session.connection()
            driver: Any = (await connection.get_raw_connection()).driver_connection
            try:
                records = await driver.fetch(self.sql, *self.arguments(params))
                return [tuple(record) for record in records]
            except (PostgresError, TimeoutError):
                raise  # the server's answer, or a bound of ADR 0111: as SQLAlchemy's path
            except Exception:
                # SQLAlchemy looks at the connection again; said, so a fast path that
                # always fell back would not go unseen.
                logger.warning("prepared read fell back to SQLAlchemy", exc_info=True)
        return (await session.execute(self.statement, dict(params))).all()
