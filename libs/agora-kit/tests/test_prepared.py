"""Prepared reads: on a read session asyncpg runs them, on a connection borrowed from
the pool, and gives the rows SQLAlchemy would; in a transaction SQLAlchemy runs them;
a borrowed connection found dead is replaced."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    literal,
    select,
    text,
)
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import QueuePool
from sqlalchemy.util import greenlet_spawn

from agora_kit import prepared
from agora_kit.db import Database, DatabaseTimeouts, ReadSessionDep
from agora_kit.errors import install_problem_handlers
from agora_kit.prepared import PreparedRead
from agora_kit.testing.fixtures import PostgresServer


class Base(DeclarativeBase):
    metadata = MetaData()


class Gadget(Base):
    __tablename__ = "gadgets"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    weight: Mapped[int] = mapped_column(Integer)
    traits: Mapped[dict[str, str]] = mapped_column(JSONB)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


_gadgets: Table = Gadget.__table__  # type: ignore[assignment]
GADGET = PreparedRead(
    select(
        _gadgets.c.id,
        _gadgets.c.name,
        _gadgets.c.weight,
        _gadgets.c.traits,
        _gadgets.c.made_at,
        # A literal bound in the statement, and JSON built by the server.
        func.json_build_object(literal("label"), _gadgets.c.name, type_=JSON).label("card"),
        literal(7).label("seven"),
    ).where(_gadgets.c.id == bindparam("id"))
)


@pytest.fixture
async def database(postgres_server: PostgresServer) -> AsyncIterator[Database]:
    name = await postgres_server.create_database("prepared")
    # A short wait for the pool's one connection: a read that borrowed a second would
    # fail in 2 s, not hang for SQLAlchemy's 30.
    db = Database(postgres_server.url(name), pool_size=1, timeouts=DatabaseTimeouts(pool=2))
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()
        await postgres_server.drop_database(name)


def count_cursor_statements(database: Database) -> list[str]:
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(args[2])

    sa_event.listen(database.engine.sync_engine, "before_cursor_execute", note)
    return seen


async def add_gadget(database: Database) -> uuid.UUID:
    gadget_id = uuid.uuid4()
    async with database.transaction() as session:
        session.add(
            Gadget(
                id=gadget_id,
                name="lamp",
                weight=1200,
                traits={"colour": "red"},
                made_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            )
        )
    return gadget_id


async def test_a_read_session_gets_from_asyncpg_the_rows_sqlalchemy_gives(
    database: Database,
) -> None:
    gadget_id = await add_gadget(database)
    seen = count_cursor_statements(database)
    async with database.read() as session:
        driven = await GADGET.rows(session, {"id": gadget_id})
        assert seen == []  # asyncpg ran it, not SQLAlchemy's cursor
        through_sqlalchemy = (await session.execute(GADGET.statement, {"id": gadget_id})).all()
    assert [tuple(row) for row in through_sqlalchemy] == driven
    (row,) = driven
    assert row == (
        gadget_id,
        "lamp",
        1200,
        {"colour": "red"},
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        {"label": "lamp"},
        7,
    )
    assert row[1:3] == ("lamp", 1200)  # rows slice as SQLAlchemy's do
    async with database.read() as session:
        assert await GADGET.rows(session, {"id": uuid.uuid4()}) == []


async def test_in_a_transaction_sqlalchemy_runs_it_in_the_transaction(database: Database) -> None:
    gadget_id = uuid.uuid4()
    seen = count_cursor_statements(database)
    async with database.transaction() as session:
        session.add(
            Gadget(
                id=gadget_id,
                name="fan",
                weight=800,
                traits={},
                made_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        await session.flush()
        (row,) = await GADGET.rows(session, {"id": gadget_id})  # not committed
        await session.rollback()
    assert row[1] == "fan"
    assert any(statement.startswith("SELECT gadgets.id") for statement in seen)


async def test_a_read_session_borrows_a_connection_only_while_a_prepared_read_runs(
    postgres_server: PostgresServer, database: Database
) -> None:
    """Alone, prepared reads never begin the session; after an ORM statement the session
    lends its own connection: with a pool of one, borrowing a second would wait for the
    pool's timeout (ADR 0114)."""
    gadget_id = await add_gadget(database)
    pool = database.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    async with database.read() as session:
        (row,) = await GADGET.rows(session, {"id": gadget_id})
        assert not session.in_transaction()  # no connection held between statements
        assert pool.checkedout() == 0, "the borrowed connection went back at once"
        await session.execute(text("SELECT 1"))
        assert session.in_transaction()
        assert await GADGET.rows(session, {"id": gadget_id}) == [row]
        assert pool.checkedout() == 1, "the session's own connection, lent"


async def test_a_dead_borrowed_connection_is_replaced_and_the_read_answered(
    database: Database, postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The prepared read that meets a dead connection invalidates it and goes through
    the session, on a new connection: the request is answered; a database that is
    really gone is SQLAlchemy's to find (503 to retry, ADR 0083: test_db)."""
    gadget_id = await add_gadget(database)
    probe = FastAPI()
    install_problem_handlers(probe)
    probe.state.database = database

    @probe.get("/gadgets/{gadget_id}")
    async def read(gadget_id: uuid.UUID, session: ReadSessionDep) -> dict[str, str]:
        (row,) = await GADGET.rows(session, {"id": gadget_id})
        return {"name": row[1]}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=probe), base_url="http://test"
    ) as client:
        assert (await client.get(f"/gadgets/{gadget_id}")).json() == {"name": "lamp"}
        admin = await asyncpg.connect(postgres_server.dsn("postgres"))
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                database.name,
            )
            # The backend ends a moment after the call returns.
            for _ in range(100):
                gone = await admin.fetchval(
                    "SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = $1",
                    database.name,
                )
                if gone:
                    break
                await asyncio.sleep(0.05)
        finally:
            await admin.close()
        with caplog.at_level(logging.WARNING, logger="agora.db"):
            lost = await client.get(f"/gadgets/{gadget_id}")
        assert lost.status_code == 200, lost.text
        assert lost.json() == {"name": "lamp"}
        assert "prepared read fell back to SQLAlchemy" in caplog.text
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="agora.db"):
            assert (await client.get(f"/gadgets/{gadget_id}")).json() == {"name": "lamp"}
        assert caplog.text == ""  # the dead connection is gone from the pool


def count_greenlets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of what prepared reads ran through SQLAlchemy's greenlet."""
    spawned: list[str] = []
    original = greenlet_spawn

    async def counting(fn: Any, *args: Any, **kwargs: Any) -> Any:
        spawned.append(getattr(fn, "__name__", repr(fn)))
        return await original(fn, *args, **kwargs)

    monkeypatch.setattr(prepared, "greenlet_spawn", counting)
    return spawned


async def test_an_idle_connection_is_taken_without_a_greenlet(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool's checkout awaits only to wait, connect or ping: with a connection idle
    and no pre-ping, a prepared read takes it directly and gives it back (ADR 0124)."""
    gadget_id = await add_gadget(database)  # the pool's one connection is open, idle
    pool = database.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    spawned = count_greenlets(monkeypatch)
    for _ in range(3):
        async with database.read() as session:
            (row,) = await GADGET.rows(session, {"id": gadget_id})
            assert row[1] == "lamp"
    assert spawned == []
    assert (pool.checkedout(), pool.checkedin()) == (0, 1)


async def test_a_closed_idle_slot_connects_again_through_the_greenlet(
    postgres_server: PostgresServer,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A slot whose connection close_idle closed must connect: SQLAlchemy refuses to do
    that outside its greenlet, puts the slot back, and the read checks out through
    greenlet_spawn, once; the next read takes the new connection directly."""
    gadget_id = await add_gadget(database)
    database.idle_seconds = 0.0
    assert await database.close_idle() == 1
    pool = database.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    spawned = count_greenlets(monkeypatch)
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            async with database.read() as session:
                (row,) = await GADGET.rows(session, {"id": gadget_id})
                assert row[1] == "lamp"
    assert spawned == ["raw_connection"]
    assert (pool.checkedout(), pool.checkedin()) == (0, 1)
    assert caplog.text == ""
    admin = await asyncpg.connect(postgres_server.dsn("postgres"))
    try:
        sessions = await admin.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", database.name
        )
    finally:
        await admin.close()
    assert sessions == 1, "the closed connection was replaced, not added to"


async def test_with_pre_ping_the_checkout_goes_through_the_greenlet(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pre-ping is a round trip on every checkout: SQLAlchemy's greenlet runs it."""
    name = await postgres_server.create_database("prepared_ping")
    db = Database(postgres_server.url(name), pool_size=1, pre_ping=True)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        gadget_id = await add_gadget(db)
        spawned = count_greenlets(monkeypatch)
        async with db.read() as session:
            (row,) = await GADGET.rows(session, {"id": gadget_id})
        assert row[1] == "lamp"
        assert spawned == ["raw_connection"]
    finally:
        await db.dispose()
        await postgres_server.drop_database(name)
