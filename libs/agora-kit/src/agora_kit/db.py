"""SQLAlchemy 2 async on asyncpg: one engine per service, one session per request.

The request's session commits at the edge, after the route returns and before the
answer is sent, or rolls back on any error; services and repositories only flush, so
the several steps of a use case, with their outbox rows, are one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.queue import Empty

from agora_kit.errors import CommitOutcomeUnknown, unavailable
from agora_kit.prepared import DIRECT_CHECKOUT, READS_ONLY
from agora_kit.waking import stop_if_cancelled

if TYPE_CHECKING:
    from agora_kit.settings import ServiceSettings

logger = logging.getLogger("agora.db")

# Stable constraint names, so Alembic migrations name what they create the same way
# on every database and a later migration can drop a constraint by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


_IDLE_SINCE = "agora_idle_since"


def _stamp_idle(_: Any, record: ConnectionPoolEntry) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


@dataclass(frozen=True)
class DatabaseTimeouts:
    """Seconds a service waits on its database (ADR 0111): to open a connection, for
    one statement's answer (asyncpg's ``command_timeout``, on the client, so a slow
    network is bounded too), and for a free connection of the pool. None: no bound
    (SQLAlchemy's 30 s for the pool), for tools whose statements may take long."""

    connect: float | None = None
    command: float | None = None
    pool: float | None = None

    @classmethod
    def of(cls, settings: ServiceSettings) -> DatabaseTimeouts:
        """A service's, from its settings."""
        return cls(
            connect=settings.database_connect_timeout_seconds,
            command=settings.database_command_timeout_seconds,
            pool=settings.database_pool_timeout_seconds,
        )


class Database:
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 20,
        application_name: str = "agora",
        pre_ping: bool = False,
        idle_seconds: float = 60.0,
        closes_idle: bool = True,
        timeouts: DatabaseTimeouts = DatabaseTimeouts(),
        server_settings: Mapping[str, str] | None = None,
    ) -> None:
        """``pool_size`` is the most connections open at once; a request finding them
        all busy waits for one rather than opening a connection it would close again
        (ADR 0114). Connections unused for ``idle_seconds`` are closed (``close_idle``)
        by a task of the database's own, started with its first connection and
        stopped by ``dispose`` (unless ``closes_idle`` is off); the pool hands out the
        most recently used one first, so after a burst the surplus goes idle and closes.

        ``pre_ping`` tests every connection as it leaves the pool (a round trip per
        request). Off by default: a connection found dead invalidates the pool, whose
        later checkouts reconnect, and the one request that met it gets a 503 to retry
        (agora_kit.errors) (ADR 0083). A timeout of ``timeouts`` that expires is a 503
        too. ``server_settings`` are PostgreSQL settings every connection starts with
        (sent when it opens: no round trip per use)."""
        self.url = url
        self.idle_seconds = idle_seconds
        connect_args: dict[str, Any] = {
            "server_settings": {**(server_settings or {}), "application_name": application_name}
        }
        if timeouts.connect is not None:
            connect_args["timeout"] = timeouts.connect
        if timeouts.command is not None:
            connect_args["command_timeout"] = timeouts.command
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=0,
            pool_use_lifo=True,
            pool_pre_ping=pre_ping,
            pool_timeout=timeouts.pool if timeouts.pool is not None else 30.0,
            connect_args=connect_args,
        )
        sa_event.listen(self.engine.sync_engine, "checkin", _stamp_idle)
        self._closing_idle: asyncio.Task[None] | None = None
        if closes_idle:
            sa_event.listen(self.engine.sync_engine, "connect", self._watch_idle)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # The same pool, without BEGIN and COMMIT: each statement stands alone.
        self.read_sessionmaker = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
            autoflush=False,
            # Prepared reads run on the driver here (agora_kit.prepared, ADR 0121).
            info={READS_ONLY: True, DIRECT_CHECKOUT: not pre_ping},
        )

    @property
    def name(self) -> str:
        return make_url(self.url).database or ""

    @asynccontextmanager
    async def transaction(self, *, safe: bool = False) -> AsyncIterator[AsyncSession]:
        """A session in a transaction that commits on success and rolls back on error.
        A COMMIT that timed out or lost its connection may have committed: that is
        ``CommitOutcomeUnknown``, never the 503 "not done, retry" of other statements.
        Unless ``safe``: the transaction of a request that HTTP lets a client repeat
        (GET, HEAD), where a retry is harmless whatever the COMMIT did, so its failure
        stays the 503 it is."""
        async with self.sessionmaker() as session:
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise
            try:
                await session.commit()
            except Exception as exc:
                # Timed out, or the connection found dead (SQLAlchemy's invalidated
                # DBAPIError): either way the COMMIT may have reached the server.
                if unavailable(exc) and not safe:
                    raise CommitOutcomeUnknown(
                        "The database did not confirm the commit in time; the change may"
                        " have been made."
                    ) from exc
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads that need no snapshot across their statements: no
        BEGIN or COMMIT round trips, each statement sees the latest committed rows.
        Never for writes: each flushed statement would commit on its own."""
        # get_read_session, the routes' dependency, has the same body.
        session = self.read_sessionmaker()
        try:
            yield session
        finally:
            await close_read(session)

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        if self._closing_idle is not None:
            self._closing_idle.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._closing_idle
            self._closing_idle = None
        await self.engine.dispose()

    def _watch_idle(self, *_: object) -> None:
        """On each new connection: the task that closes idle ones runs (once)."""
        if self._closing_idle is None or self._closing_idle.done():
            self._closing_idle = asyncio.get_running_loop().create_task(
                self._close_idle_forever(), name=f"idle-connections-{self.name}"
            )

    async def close_idle(self) -> int:
        """Close the pooled connections unused for ``idle_seconds``; their slots stay
        in the pool and connect again when next needed. Returns how many it closed.

        SQLAlchemy's pool has no idle timeout (asyncpg's and psycopg's pools do), so
        this reaches into its queue: every step before the closing is synchronous, so
        no checkout runs between them, and the records being closed are out of the
        queue until they are put back, at the bottom, without a connection."""
        pool = self.engine.sync_engine.pool
        if not isinstance(pool, QueuePool):
            return 0
        queue = pool._pool
        now = time.monotonic()
        resting: list[ConnectionPoolEntry] = []  # most recently used first
        while True:
            try:
                resting.append(queue.get_nowait())
            except Empty:
                break
        stale = [
            record
            for record in resting
            if record.dbapi_connection is not None
            and now - record.info.get(_IDLE_SINCE, now) >= self.idle_seconds
        ]
        for record in reversed(resting):
            if record not in stale:
                queue.put_nowait(record)
        try:
            for record in stale:
                await greenlet_spawn(record.close)
        finally:
            # Back under the connections in use: the last to be handed out again.
            above: list[ConnectionPoolEntry] = []
            while True:
                try:
                    above.append(queue.get_nowait())
                except Empty:
                    break
            for record in [*stale, *reversed(above)]:
                queue.put_nowait(record)
        return len(stale)

    async def _close_idle_forever(self) -> None:
        while True:
            await asyncio.sleep(self.idle_seconds / 2)
            try:
                await self.close_idle()
            except Exception:
                stop_if_cancelled()
                logger.exception("closing idle connections of %s failed", self.name)


async def close_read(session: AsyncSession) -> None:
    """Close a session of ``Database.read()``."""
    if session.in_transaction():
        # It holds a connection: closed in a task of its own, as AsyncSession's context
        # closes it, so a cancelled request still gives it back.
        await session.__aexit__(None, None, None)
    else:
        # Only prepared reads ran (agora_kit.prepared): their connections are back in
        # the pool, and closing is forgetting: no task, and no greenlet either, since
        # a session without a transaction has no connection to give back (ADR 0124).
        session.sync_session.close()


_AFTER_COMMIT = "agora_after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Call ``callback`` once the session's transaction commits, never if it rolls back:
    for what must follow only committed work, such as counting it in a metric."""
    sync_session = session.sync_session
    pending: list[Callable[[], None]] | None = sync_session.info.get(_AFTER_COMMIT)
    if pending is None:
        pending = sync_session.info[_AFTER_COMMIT] = []

        def run(_: Session) -> None:
            for each in sync_session.info.pop(_AFTER_COMMIT, []):
                each()

        def forget(_: Session) -> None:
            sync_session.info.pop(_AFTER_COMMIT, None)

        sa_event.listen(sync_session, "after_commit", run, once=True)
        sa_event.listen(sync_session, "after_rollback", forget, once=True)
    pending.append(callback)


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


# Dependencies are coroutine functions: FastAPI runs a plain ``def`` one in a worker
# thread, a hand-off that costs more than the lookup it wraps (ADR 0121).
async def get_database(request: Request) -> Database:
    return database_of(request)


# Requests a client may repeat (RFC 9110, 9.2.1): a failed COMMIT of theirs is a 503.
SAFE_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    safe = request.method in SAFE_METHODS
    async with database_of(request).transaction(safe=safe) as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    # Database.read()'s body without its context manager, one layer fewer per request
    # (ADR 0121): a change to read() is made here too.
    session = database_of(request).read_sessionmaker()
    try:
        yield session
    finally:
        await close_read(session)


# scope="function": the commit happens before the response is sent, so a client
# never sees a success whose transaction then failed.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
# Public reads whose statements need not share one snapshot (ADR 0084).
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]
DatabaseDep = Annotated[Database, Depends(get_database)]
