"""The admin's exports of payouts and of the ledger (ADR 0101): a range's rows, a batch
at a time, as CSV rows of ``PAYOUT_HEADER`` and ``LEDGER_HEADER``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import QueryableAttribute

from agora_kit.db import Database
from agora_kit.export import keyset_batches
from agora_payment.repository import exports as repo

PAYOUT_HEADER = (
    "payout_id",
    "created_at",
    "status",
    "vendor_id",
    "order_id",
    "payment_id",
    "currency",
    "gross_amount",
    "fee_amount",
    "amount",
    "reversed_amount",
    "release_at",
    "paid_at",
    "transfer_id",
)
LEDGER_HEADER = (
    "entry_id",
    "created_at",
    "transaction_id",
    "account",
    "currency",
    "amount",
    "memo",
    "payment_id",
    "order_id",
)


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return "" if value is None else value


async def _rows(
    database: Database,
    statement: Select[Any],
    key: tuple[QueryableAttribute[Any], QueryableAttribute[Any]],
    batch: int,
) -> AsyncIterator[list[list[object]]]:
    async for rows in keyset_batches(
        database, statement, key=key, key_of=lambda row: (row.created_at, row.id), batch=batch
    ):
        yield [[_cell(value) for value in row] for row in rows]


def payout_rows(
    database: Database, start: datetime, end: datetime, *, batch: int = 1000
) -> AsyncIterator[list[list[object]]]:
    """The payouts made in [start, end), oldest first."""
    return _rows(database, repo.payouts(start, end), repo.PAYOUT_KEY, batch)


def ledger_rows(
    database: Database, start: datetime, end: datetime, *, batch: int = 1000
) -> AsyncIterator[list[list[object]]]:
    """The ledger's legs written in [start, end), oldest first."""
    return _rows(database, repo.ledger(start, end), repo.LEDGER_KEY, batch)
