"""Cursor (keyset) pagination: ``limit`` and ``cursor`` in, ``items`` and ``next_cursor`` out.

A cursor is the sort key of the last item of a page, as opaque URL-safe base64 JSON.
Keyset pages stay correct while rows are inserted, and cost the same on page 1000 as on
page 1, unlike OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from agora_kit.errors import InvalidParam, Unprocessable

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


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageParamsDep = Annotated[PageParams, Depends(page_params)]


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, UUID):
        return {"uuid": str(value)}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "dt" in value:
        return datetime.fromisoformat(value["dt"])
    if isinstance(value, dict) and "uuid" in value:
        return UUID(value["uuid"])
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_to_json(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("wrong shape")
        return [_from_json(v) for v in values]
    except (ValueError, binascii.Error, json.JSONDecodeError, TypeError) as exc:
        raise Unprocessable(
            "The cursor is not one this API issued.",
            errors=[InvalidParam(name="query.cursor", reason="malformed cursor")],
        ) from exc


def _after(
    columns: Sequence[ColumnElement[Any]], values: Sequence[Any], direction: str
) -> ColumnElement[bool]:
    """Row-value comparison ``(a, b) > (x, y)`` spelled out, so it works for any direction."""
    clauses: list[ColumnElement[bool]] = []
    for i, column in enumerate(columns):
        equal_prefix = [columns[j] == values[j] for j in range(i)]
        beyond = column > values[i] if direction == "asc" else column < values[i]
        clauses.append(and_(*equal_prefix, beyond))
    return or_(*clauses)


async def keyset_page(
    session: AsyncSession,
    stmt: Select[tuple[Row]],
    *,
    key: Sequence[ColumnElement[Any]],
    key_of: Callable[[Row], Sequence[Any]],
    params: PageParams,
    to_item: Callable[[Row], Item],
    direction: Literal["asc", "desc"] = "asc",
) -> Page[Item]:
    """One page of ``stmt`` ordered by ``key`` (which must end in a unique column)."""
    if params.cursor:
        stmt = stmt.where(_after(key, decode_cursor(params.cursor, size=len(key)), direction))
    order = [c.asc() if direction == "asc" else c.desc() for c in key]
    rows = list((await session.scalars(stmt.order_by(*order).limit(params.limit + 1))).all())
    has_more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = encode_cursor(key_of(rows[-1])) if has_more and rows else None
    return Page[Item](items=[to_item(r) for r in rows], next_cursor=next_cursor)
