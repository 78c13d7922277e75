"""The chassis's two kinds of session: a transaction per request for writes, and the
read session of public reads, which sends no BEGIN or COMMIT."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from agora_kit.db import Database

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
