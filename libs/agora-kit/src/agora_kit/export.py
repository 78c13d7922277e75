"""CSV exports of a whole range (ADR 0101): ``?format=csv`` or ``Accept: text/csv``.

The rows are read in keyset batches, each its own short query, and written out as each
batch arrives, so an export of any size holds one batch in memory and no transaction
open for the whole download. ``csv`` quotes the fields; amounts stay minor units with
their currency in a column of its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from pydantic import AwareDatetime
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import QueryableAttribute
from starlette.responses import StreamingResponse

from agora_kit.db import Database
from agora_kit.errors import Unprocessable

CSV = "text/csv"
BATCH = 1000

Format = Literal["json", "csv"]
FormatQuery = Annotated[
    Format | None,
    Query(alias="format", description="`csv` for the whole range as CSV (or `Accept: text/csv`)"),
]

From = Annotated[AwareDatetime, Query(alias="from", description="First instant, with a time zone")]
To = Annotated[
    AwareDatetime, Query(alias="to", description="End of the range (excluded), with a time zone")
]

# What an export route documents beside its JSON answer.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {CSV: {"schema": {"type": "string"}}},
        "description": "JSON, or with `format=csv` or `Accept: text/csv` the whole range as"
        " CSV (a header row, amounts in minor units beside their currency), streamed",
    }
}


def sound_range(start: datetime, end: datetime) -> None:
    """Unprocessable unless ``start`` comes before ``end`` and both are instants of the
    calendar in UTC (``0001-01-01T00:00:00+01:00`` is before it)."""
    try:
        start.astimezone(UTC)
        end.astimezone(UTC)
    except OverflowError:
        raise Unprocessable("`from` and `to` must fall in the years 1 to 9999 in UTC.") from None
    if end <= start:
        raise Unprocessable("`to` must come after `from`.")


def filename(kind: str, start: datetime, end: datetime) -> str:
    """``kind-<from>-<to>.csv``, the range in UTC."""
    return f"{kind}-{start.astimezone(UTC):%Y%m%dT%H%M%SZ}-{end.astimezone(UTC):%Y%m%dT%H%M%SZ}.csv"


def wants_csv(request: Request, format_: Format | None) -> bool:
    """``format`` when given; otherwise whether ``Accept`` names ``text/csv``."""
    if format_ is not None:
        return format_ == "csv"
    accepted = request.headers.get("accept", "")
    return any(part.split(";")[0].strip().lower() == CSV for part in accepted.split(","))


async def keyset_batches(
    database: Database,
    statement: Select[Any],
    *,
    key: Sequence[QueryableAttribute[Any]],
    key_of: Callable[[Any], Sequence[Any]],
    batch: int = BATCH,
) -> AsyncIterator[list[Any]]:
    """The result rows of ``statement`` in ascending ``key`` order (its last column
    unique), ``batch`` at a time, each batch read by a query of its own; ``key_of``
    gives a row's key."""
    after: Sequence[Any] | None = None
    while True:
        page = statement
        if after is not None:
            page = page.where(tuple_(*key) > tuple_(*after))
        async with database.read() as session:
            rows = list((await session.execute(page.order_by(*key).limit(batch))).all())
        if rows:
            yield rows
        if len(rows) < batch:
            return
        after = key_of(rows[-1])


async def csv_chunks(
    header: Sequence[str], batches: AsyncIterator[Sequence[Sequence[object]]]
) -> AsyncIterator[bytes]:
    """The header row, then one chunk of CSV per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield buffer.getvalue().encode()
    async for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        yield buffer.getvalue().encode()


def csv_response(
    filename: str, header: Sequence[str], batches: AsyncIterator[Sequence[Sequence[object]]]
) -> StreamingResponse:
    return StreamingResponse(
        csv_chunks(header, batches),
        media_type=f"{CSV}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
