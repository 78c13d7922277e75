"""The chassis's two kinds of session: a transaction per request for writes, and the
read session of public reads, which sends no BEGIN or COMMIT."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.db import Database, SessionDep
from agora_kit.errors import CommitOutcomeUnknown, install_problem_handlers

XACT = text("SELECT pg_current_xact_id()::text")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, pool_size=2)
    try:
        yield db
    finally:
        await db.dispose()


async def test_a_transaction_runs_its_statements_in_one_transaction(database: Database) -> None:
    async with database.transaction() as session:
        first = await session.scalar(XACT)
        second = await session.scalar(XACT)
    assert first == second


async def test_a_read_session_runs_each_statement_on_its_own(database: Database) -> None:
    async with database.read() as session:
        first = await session.scalar(XACT)
        second = await session.scalar(XACT)
    assert first != second


async def test_a_read_session_leaves_the_transaction_pool_as_it_was(database: Database) -> None:
    """The read session shares the pool; a connection it used serves a later
    transaction with BEGIN and COMMIT as usual."""
    for _ in range(3):
        async with database.read() as session:
            await session.scalar(XACT)
    async with database.transaction() as session:
        await session.execute(text("CREATE TEMP TABLE t (n int) ON COMMIT DROP"))
        await session.execute(text("INSERT INTO t VALUES (1)"))
        first = await session.scalar(XACT)
        assert await session.scalar(text("SELECT count(*) FROM t")) == 1
        assert await session.scalar(XACT) == first


async def test_connections_start_with_the_server_settings_given(database_url: str) -> None:
    """Given once to the Database, they hold on every connection and for reads outside
    a transaction too; the application's name stays the Database's own."""
    database = Database(
        database_url,
        application_name="agora-settings",
        server_settings={"agora.example": "on", "application_name": "other"},
    )
    try:
        async with database.transaction() as session:
            assert await session.scalar(text("SHOW agora.example")) == "on"
            assert await session.scalar(text("SHOW application_name")) == "agora-settings"
        async with database.read() as session:
            assert await session.scalar(text("SHOW agora.example")) == "on"
    finally:
        await database.dispose()


PID = text("SELECT pg_backend_pid()")


async def _backends(database: Database, name: str) -> int:
    async with database.read() as session:
        found = await session.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
            {"name": name},
        )
    return int(found or 0)


async def _busy(database: Database, seconds: float = 0.05) -> int:
    async with database.transaction() as session:
        await session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return int(await session.scalar(PID) or 0)


async def test_requests_beyond_the_pool_wait_for_a_connection_rather_than_open_one(
    database_url: str,
) -> None:
    """More sessions at once than the pool holds: all are served, on no more
    connections than the pool's size, and none is opened only to be closed again."""
    database = Database(database_url, pool_size=3, application_name="agora-pool-wait")
    try:
        pids = await asyncio.gather(*(_busy(database) for _ in range(9)))
        pids += await asyncio.gather(*(_busy(database) for _ in range(9)))
    finally:
        await database.dispose()
    assert len(pids) == 18
    assert len(set(pids)) == 3


async def test_connections_unused_for_the_idle_time_are_closed_and_reopen_when_needed(
    database_url: str,
) -> None:
    name = "agora-pool-idle"
    database = Database(
        database_url, pool_size=4, application_name=name, idle_seconds=0.3, closes_idle=False
    )
    observer = Database(database_url, pool_size=1)
    try:
        await asyncio.gather(*(_busy(database) for _ in range(4)))
        assert await _backends(observer, name) == 4
        assert await database.close_idle() == 0  # none has rested long enough
        await asyncio.sleep(0.4)
        hot = await _busy(database, 0)  # the most recently used, handed out again
        assert await database.close_idle() == 3
        assert await _backends(observer, name) == 1
        assert await _busy(database, 0) == hot  # the open one comes first
        # The closed ones connect again when a burst needs them.
        pids = await asyncio.gather(*(_busy(database) for _ in range(4)))
        assert len(set(pids)) == 4
        assert await _backends(observer, name) == 4
    finally:
        await database.dispose()
        await observer.dispose()


async def test_a_database_closes_its_idle_connections_by_itself_until_disposed(
    database_url: str,
) -> None:
    name = "agora-pool-idle-task"
    database = Database(database_url, pool_size=3, application_name=name, idle_seconds=0.2)
    observer = Database(database_url, pool_size=1, closes_idle=False)
    try:
        await asyncio.gather(*(_busy(database) for _ in range(3)))
        assert await _backends(observer, name) == 3
        for _ in range(50):
            await asyncio.sleep(0.1)
            if await _backends(observer, name) == 0:
                break
        assert await _backends(observer, name) == 0
        task = database._closing_idle
        assert task is not None
        assert not task.done()
        await database.dispose()
        assert task.done()
        assert database._closing_idle is None
    finally:
        await database.dispose()
        await observer.dispose()


async def test_a_commit_that_times_out_is_an_unknown_outcome_not_a_retry(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement that times out was not done (503, retry); a COMMIT that times out
    may have been (ADR 0111)."""

    async def slow_commit(_: AsyncSession) -> None:
        raise TimeoutError

    async def statement_timed_out() -> None:
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))
            raise TimeoutError

    with pytest.raises(TimeoutError):
        await statement_timed_out()
    monkeypatch.setattr(AsyncSession, "commit", slow_commit)
    with pytest.raises(CommitOutcomeUnknown):
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))

    # The connection lost during the COMMIT, as SQLAlchemy reports it: the same.
    async def lost_commit(_: AsyncSession) -> None:
        raise DBAPIError("COMMIT", None, Exception("gone"), connection_invalidated=True)

    monkeypatch.setattr(AsyncSession, "commit", lost_commit)
    with pytest.raises(CommitOutcomeUnknown):
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))

    # A GET's transaction (``safe``): the client may repeat it whatever the COMMIT did,
    # so the lost connection stays the 503 it is.
    with pytest.raises(DBAPIError) as lost:
        async with database.transaction(safe=True) as session:
            await session.execute(text("SELECT 1"))
    assert lost.value.connection_invalidated

    # Any other failure of the COMMIT (a deferred constraint, say) is itself.
    async def refused_commit(_: AsyncSession) -> None:
        raise DBAPIError("COMMIT", None, Exception("refused"))

    monkeypatch.setattr(AsyncSession, "commit", refused_commit)
    with pytest.raises(DBAPIError):
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))


async def test_a_get_whose_commit_times_out_answers_503_and_a_post_an_unknown_outcome(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database slowed between a request's statement and its COMMIT: a GET may be
    repeated whatever the COMMIT did (503, retry); a POST may have been done (500
    ``commit-outcome-unknown``, look before repeating it)."""
    app = FastAPI()
    install_problem_handlers(app)
    app.state.database = database

    @app.get("/now")
    @app.post("/now")
    async def now(session: SessionDep) -> dict[str, str]:
        return {"now": str(await session.scalar(text("SELECT now()")))}

    async def slow_commit(_: AsyncSession) -> None:
        raise TimeoutError

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        assert (await client.get("/now")).status_code == 200
        monkeypatch.setattr(AsyncSession, "commit", slow_commit)
        read, write = await client.get("/now"), await client.post("/now")
    assert (read.status_code, read.headers["retry-after"]) == (503, "2")
    assert read.headers["content-type"] == "application/problem+json"
    assert write.status_code == 500
    assert write.json()["type"].endswith("commit-outcome-unknown")
