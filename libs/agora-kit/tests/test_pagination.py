"""Cursor pagination: every row exactly once, in order, however the table changes."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel
from sqlalchemy import DateTime, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from agora_kit.app import create_base_app
from agora_kit.db import Database
from agora_kit.errors import PROBLEM_JSON, Unprocessable
from agora_kit.metrics import ServiceMetrics
from agora_kit.pagination import (
    MAX_LIMIT,
    Page,
    PageParamsDep,
    decode_cursor,
    encode_cursor,
    keyset_page,
)

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Entry(Base):
    __tablename__ = "entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    n: Mapped[int]


class EntryOut(BaseModel):
    id: uuid.UUID
    n: int


router = APIRouter()


@router.get("/entries")
async def list_entries(
    request: Request, page: PageParamsDep, order: Literal["asc", "desc"] = "asc"
) -> Page[EntryOut]:
    database: Database = request.app.state.database
    async with database.transaction() as session:
        return await keyset_page(
            session,
            select(Entry),
            key=[Entry.created_at, Entry.id],
            key_of=lambda e: (e.created_at, e.id),
            params=page,
            to_item=lambda e: EntryOut(id=e.id, n=e.n),
            direction=order,
        )


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, pool_size=2)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def entries(database: Database) -> list[Entry]:
    """25 rows over 5 instants, so the id breaks ties."""
    rows = [
        Entry(id=uuid.uuid4(), created_at=T0 + timedelta(seconds=i // 5), n=i) for i in range(25)
    ]
    async with database.transaction() as session:
        session.add_all(rows)
    return rows


@pytest.fixture
async def client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_base_app(
        "pages",
        title="pages",
        description="test",
        version="0",
        metrics=ServiceMetrics("pages"),
        max_body_bytes=1024,
        readiness_checks={},
        lifespan=no_lifespan,
        routers=[router],
    )
    app.state.database = database
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def in_order(rows: list[Entry], order: str) -> list[uuid.UUID]:
    ordered = sorted(rows, key=lambda e: (e.created_at, e.id), reverse=order == "desc")
    return [e.id for e in ordered]


async def get_page(
    client: httpx.AsyncClient, order: str, cursor: str | None, limit: int = 10
) -> tuple[list[uuid.UUID], str | None]:
    params: dict[str, str | int] = {"limit": limit, "order": order}
    if cursor is not None:
        params["cursor"] = cursor
    response = await client.get("/entries", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return [uuid.UUID(item["id"]) for item in body["items"]], body["next_cursor"]


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_cursor_round_trips_datetimes_uuids_and_scalars() -> None:
    values: list[Any] = [T0, uuid.uuid4(), date(2025, 1, 31), Decimal("12.30"), 7, "käse", None]
    cursor = encode_cursor(values)
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    decoded = decode_cursor(cursor, size=len(values))
    assert decoded == values
    assert [type(v) for v in decoded] == [type(v) for v in values]
    assert decoded[0].tzinfo is not None


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not a cursor!", id="not-base64"),
        pytest.param(raw_cursor('{"a": 1}'), id="not-a-list"),
        pytest.param(encode_cursor([1]), id="wrong-size"),
        pytest.param(raw_cursor('[{"dt": "yesterday"}, 1]'), id="bad-datetime"),
        pytest.param(raw_cursor('[{"dt": 5}, 1]'), id="datetime-not-text"),
        pytest.param(raw_cursor('[{"uuid": 123}, 1]'), id="uuid-not-text"),
        pytest.param(raw_cursor('[{"pickle": "x"}, 1]'), id="unknown-tag"),
        pytest.param(raw_cursor("[" * 50_000), id="deeply-nested"),
        # PostgreSQL text holds no NUL, and its bigint ends at 2**63 - 1: the driver
        # would fail on either (a 500), so the cursor is refused first.
        pytest.param(raw_cursor('["a\\u0000b", 1]'), id="nul-in-text"),
        pytest.param(encode_cursor(["a", 1]) + "\x00", id="nul-in-cursor"),
        pytest.param(raw_cursor('["a", 99999999999999999999]'), id="int-beyond-bigint"),
        pytest.param(raw_cursor('["a", {"dec": "NaN"}]'), id="decimal-not-a-number"),
    ],
)
def test_malformed_cursor_is_unprocessable(cursor: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        decode_cursor(cursor, size=2)
    assert caught.value.errors is not None
    assert [e.name for e in caught.value.errors] == ["query.cursor"]


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("garbage", id="garbage"),
        pytest.param(raw_cursor('[{"uuid": 123}, 1]'), id="uuid-not-text"),
        # Well-formed, but not the types of the sort key: must not reach the database.
        pytest.param(encode_cursor(["2025-03-01", "abc"]), id="strings-for-key"),
        pytest.param(encode_cursor([uuid.uuid4(), T0]), id="key-swapped"),
    ],
)
async def test_malformed_cursor_over_http_is_422_naming_query_cursor(
    client: httpx.AsyncClient, entries: list[Entry], cursor: str
) -> None:
    response = await client.get("/entries", params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert [e["name"] for e in response.json()["errors"]] == ["query.cursor"]


@pytest.mark.parametrize("limit", [0, MAX_LIMIT + 1, 1000])
async def test_limit_out_of_range_is_422(
    client: httpx.AsyncClient, entries: list[Entry], limit: int
) -> None:
    response = await client.get("/entries", params={"limit": limit})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert [e["name"] for e in response.json()["errors"]] == ["query.limit"]


async def test_limit_of_max_is_accepted(client: httpx.AsyncClient, entries: list[Entry]) -> None:
    ids, next_cursor = await get_page(client, "asc", None, limit=MAX_LIMIT)
    assert len(ids) == 25
    assert next_cursor is None


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_pages_return_every_row_once_in_order(
    client: httpx.AsyncClient, entries: list[Entry], order: str
) -> None:
    pages: list[list[uuid.UUID]] = []
    cursor: str | None = None
    while True:
        ids, cursor = await get_page(client, order, cursor)
        pages.append(ids)
        if cursor is None:
            break
        assert len(pages) < 10, "pagination does not end"
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [i for p in pages for i in p] == in_order(entries, order)


async def test_exact_multiple_of_limit_ends_without_an_empty_page(
    client: httpx.AsyncClient, entries: list[Entry]
) -> None:
    first, cursor = await get_page(client, "asc", None, limit=5)
    seen = list(first)
    while cursor is not None:
        ids, cursor = await get_page(client, "asc", cursor, limit=5)
        assert ids, "a cursor was given for an empty page"
        seen += ids
    assert seen == in_order(entries, "asc")


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_rows_inserted_while_paging_do_not_shift_later_pages(
    client: httpx.AsyncClient, database: Database, entries: list[Entry], order: str
) -> None:
    expected = in_order(entries, order)
    first, cursor = await get_page(client, order, None)
    assert first == expected[:10]
    last_seen = next(e for e in entries if e.id == first[-1])

    # Rows that sort before the cursor (the far end, and a tie on the cursor's own
    # instant) must not push rows back into later pages; one after it must show up.
    step = timedelta(hours=1) if order == "asc" else -timedelta(hours=1)
    before_far = Entry(id=uuid.uuid4(), created_at=T0 - step, n=100)
    tie_id = uuid.UUID(int=0) if order == "asc" else uuid.UUID(int=2**128 - 1)
    before_tie = Entry(id=tie_id, created_at=last_seen.created_at, n=101)
    after = Entry(id=uuid.uuid4(), created_at=T0 + 100 * step, n=102)
    async with database.transaction() as session:
        session.add_all([before_far, before_tie, after])

    rest: list[uuid.UUID] = []
    while cursor is not None:
        ids, cursor = await get_page(client, order, cursor)
        rest += ids
    assert rest == [*expected[10:], after.id]
