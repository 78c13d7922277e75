"""Cursor (keyset) pagination: ``limit`` and ``cursor`` in, ``items`` and ``next_cursor`` out.

A cursor is the sort key of the last item of a page, as opaque URL-safe base64 JSON.
Keyset pages stay correct while rows are inserted, and cost the same on page 1000 as on
page 1, unlike OFFSET.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar, cast
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from agora_kit.errors import InvalidParam, Unprocessable
from agora_kit.query import BIGINT_MAX, BIGINT_MIN

T = TypeVar("T")
Row = TypeVar("Row")
Item = TypeVar("Item")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last page"
    )


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageParamsDep = Annotated[PageParams, Depends(page_params)]


# Sort-key types JSON lacks, tagged so they decode to what they were.
_TAGS: dict[str, tuple[type, Callable[[Any], str], Callable[[str], Any]]] = {
    "dt": (datetime, datetime.isoformat, datetime.fromisoformat),
    "d": (date, date.isoformat, date.fromisoformat),
    "uuid": (UUID, str, UUID),
    "dec": (Decimal, str, Decimal),
}


def _to_json(value: Any) -> Any:
    # datetime before date: a datetime is a date too.
    for tag, (kind, dump, _) in _TAGS.items():
        if isinstance(value, kind):
            return {tag: dump(value)}
    return value


def _from_json(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    [(tag, text)] = value.items()  # more or fewer keys: a ValueError, so no cursor of ours
    if tag not in _TAGS or not isinstance(text, str):
        raise ValueError(f"unknown tag {tag!r}")
    return _TAGS[tag][2](text)


def _malformed() -> Unprocessable:
    return Unprocessable(
        "The cursor is not one this API issued.",
        errors=[InvalidParam(name="query.cursor", reason="malformed cursor")],
    )


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_to_json(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _storable(value: Any) -> Any:
    """``value`` if the database can hold it: PostgreSQL text has no NUL, its bigint
    ends at 2**63 - 1, and a NaN or infinite Decimal compares with nothing. Otherwise
    the driver would refuse the query (a 500), so the cursor is refused first."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL in a cursor value")
    if isinstance(value, int) and not BIGINT_MIN <= value <= BIGINT_MAX:
        raise ValueError("integer out of range")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("not a finite number")
    return value


def decode_cursor(cursor: str, *, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("wrong shape")
        return [_storable(_from_json(v)) for v in values]
    # A cursor is client input: whatever it holds is a 422, never a 500.
    # (binascii.Error and JSONDecodeError are ValueErrors, Decimal's ArithmeticErrors.)
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        raise _malformed() from exc


def _check_types(key: Sequence[ColumnElement[Any]], values: Sequence[Any]) -> None:
    """A tampered cursor with the wrong types would reach the database as a driver
    error (500); refuse it here."""
    for column, value in zip(key, values, strict=True):
        try:
            expected = column.type.python_type
        except NotImplementedError:
            continue
        if not isinstance(value, expected):
            raise _malformed()


def _after(
    columns: Sequence[ColumnElement[Any]], values: Sequence[Any], direction: str
) -> ColumnElement[bool]:
    """Past the cursor: the row-value comparison ``(a, b) > (x, y)`` (``<`` going down;
    every key column sorts the same way). As one comparison, not spelled out as an OR
    of prefixes, PostgreSQL starts the index scan at the cursor instead of reading the
    range from its start and filtering."""
    if direction == "asc":
        return tuple_(*columns) > tuple_(*values)
    return tuple_(*columns) < tuple_(*values)


async def keyset_page(
    session: AsyncSession,
    stmt: Select[tuple[Row]],
    *,
    key: Sequence[ColumnElement[Any] | QueryableAttribute[Any]],
    key_of: Callable[[Row], Sequence[Any]],
    params: PageParams,
    to_item: Callable[[Row], Item],
    direction: Literal["asc", "desc"] = "asc",
    scalars: bool = True,
) -> Page[Item]:
    """One page of ``stmt`` ordered by ``key``: NOT NULL columns, the last one unique.
    A row is the statement's first entity, or with ``scalars=False`` the whole result
    row (a statement selecting an entity and what it was joined with)."""
    columns = [c.expression if isinstance(c, QueryableAttribute) else c for c in key]
    if params.cursor:
        after = decode_cursor(params.cursor, size=len(columns))
        _check_types(columns, after)
        stmt = stmt.where(_after(columns, after, direction))
    order = [c.asc() if direction == "asc" else c.desc() for c in columns]
    ordered = stmt.order_by(*order).limit(params.limit + 1)
    result = await (session.scalars(ordered) if scalars else session.execute(ordered))
    rows = cast(list[Row], list(result.all()))
    has_more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = encode_cursor(key_of(rows[-1])) if has_more and rows else None
    return Page[Item](items=[to_item(r) for r in rows], next_cursor=next_cursor)


async def entity_page(
    session: AsyncSession,
    stmt: Select[tuple[Row]],
    *,
    key: Sequence[QueryableAttribute[Any]],
    params: PageParams,
    direction: Literal["asc", "desc"] = "asc",
) -> Page[Row]:
    """``keyset_page`` of the entities ``stmt`` selects, as they are, keyed by their own
    attributes ``key`` (``[Product.created_at, Product.id]``): the cursor is read off
    the last entity by those attributes' names."""
    names = [attribute.key for attribute in key]
    return await keyset_page(
        session,
        stmt,
        key=key,
        key_of=lambda row: tuple(getattr(row, name) for name in names),
        params=params,
        to_item=lambda row: row,
        direction=direction,
    )
