"""How values become CSV cells: what a spreadsheet must not run as a formula."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from agora_kit.export import csv_cell, csv_chunks


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tlead", "\rlead"],
)
def test_text_a_spreadsheet_would_run_is_written_as_text(text: str) -> None:
    assert csv_cell(text) == "'" + text


def test_other_values_are_written_as_they_are() -> None:
    ident = uuid.uuid4()
    assert csv_cell("Ada O'Neil") == "Ada O'Neil"
    assert csv_cell(-1250) == -1250  # a refund's negative amount stays a number
    assert csv_cell(ident) == ident
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    paris = timezone(timedelta(hours=1))
    assert csv_cell(datetime(2026, 12, 6, 13, 0, tzinfo=paris)) == "2026-12-06T12:00:00Z"
    assert csv_cell(datetime(2026, 12, 6, tzinfo=UTC)) == "2026-12-06T00:00:00Z"


async def test_a_formula_in_a_row_reaches_the_file_as_text() -> None:
    async def batches() -> AsyncIterator[list[list[object]]]:
        yield [[csv_cell("=1+1"), csv_cell(-5)]]

    body = b"".join([chunk async for chunk in csv_chunks(["note", "amount"], batches())])
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows == [["note", "amount"], ["'=1+1", "-5"]]
