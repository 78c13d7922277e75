"""CSV exports of a whole range (ADR 0101): ``?format=csv`` or ``Accept: text/csv``.

The rows are read in keyset batches, each its own short query, and written out as each
batch arrives, so an export of any size holds one batch in memory and no transaction
open for the whole download. ``csv`` quotes the fields; amounts stay minor units with
their currency in a column of its own; text that would start a spreadsheet formula is
written behind a ``'``. ``range_export`` answers a whole export route:
a JSON page of the range, or all of it as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Query, Request
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import QueryableAttribute
from starlette.responses import StreamingResponse

from agora_kit.db import Database
from agora_kit.errors import Unprocessable
from agora_kit.pagination import Page, PageParams, keyset_page

CSV = "text/csv"
BATCH = 1000

RowOut = TypeVar("RowOut", bound=BaseModel)

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


def _key_of(key: Sequence[QueryableAttribute[Any]]) -> Callable[[Any], tuple[Any, ...]]:
    """A result row's values of ``key``, read off the row by the key attributes' names."""
    names = [attribute.key for attribute in key]
    return lambda row: tuple(getattr(row, name) for name in names)


async def keyset_batches(
    database: Database,
    statement: Select[Any],
    *,
    key: Sequence[QueryableAttribute[Any]],
    batch: int = BATCH,
) -> AsyncIterator[list[Any]]:
    """The result rows of ``statement`` in ascending ``key`` order (columns it selects,
    the last one unique), ``batch`` at a time, each batch read by a query of its own."""
    key_of = _key_of(key)
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


# A spreadsheet reads a cell that begins with one of these as a formula: text a buyer
# or vendor wrote (a name, an address, a note) could run in the admin's spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as the CSV writes it: times in ISO 8601 UTC (``Z``), booleans as
    ``true``/``false``, NULL as an empty field, and text that a spreadsheet would take
    for a formula behind a leading ``'``, which spreadsheets show as text (OWASP's
    advice against CSV injection). Numbers are written as they are, negative ones too."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


async def csv_rows(
    database: Database,
    statement: Select[Any],
    *,
    key: Sequence[QueryableAttribute[Any]],
    batch: int = BATCH,
) -> AsyncIterator[list[list[object]]]:
    """``keyset_batches`` of ``statement``, each value as its CSV cell."""
    async for rows in keyset_batches(database, statement, key=key, batch=batch):
        yield [[csv_cell(value) for value in row] for row in rows]


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


async def range_export(
    request: Request,
    database: Database,
    *,
    kind: str,
    row: type[RowOut],
    statement: Select[Any],
    key: Sequence[QueryableAttribute[Any]],
    start: datetime,
    end: datetime,
    format_: Format | None,
    params: PageParams,
) -> Page[RowOut] | StreamingResponse:
    """An export route's answer: ``statement`` (the rows of [start, end), its columns
    in the order of ``row``'s fields) a page at a time as ``row``s, keyset on ``key``;
    or, when ``wants_csv``, the whole range as the CSV ``<kind>-<from>-<to>.csv`` whose
    header is ``row``'s fields. Unprocessable for an unsound range."""
    sound_range(start, end)
    header = tuple(row.model_fields)
    if wants_csv(request, format_):
        rows = csv_rows(database, statement, key=key)
        return csv_response(filename(kind, start, end), header, rows)
    async with database.read() as session:
        return await keyset_page(
            session,
            statement,
            key=key,
            key_of=_key_of(key),
            params=params,
            to_item=lambda values: row(**dict(zip(header, values, strict=True))),
            scalars=False,
        )
