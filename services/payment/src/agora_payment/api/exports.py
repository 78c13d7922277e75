"""Admin: ``/admin/payouts`` and ``/admin/ledger``, a range's payouts and ledger legs a
page at a time, or all of it as CSV (ADR 0101)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import StreamingResponse

from agora_kit.db import DatabaseDep
from agora_kit.errors import problem_responses
from agora_kit.export import (
    CSV_RESPONSE,
    FormatQuery,
    From,
    To,
    csv_response,
    filename,
    sound_range,
    wants_csv,
)
from agora_kit.pagination import Page, PageParamsDep, keyset_page
from agora_payment.api.deps import AdminDep
from agora_payment.repository import exports as repo
from agora_payment.service import exports

router = APIRouter(prefix="/admin", tags=["admin"])


class PayoutRowOut(BaseModel):
    payout_id: UUID
    created_at: datetime
    status: str
    vendor_id: UUID
    order_id: UUID
    payment_id: UUID
    currency: str
    gross_amount: int
    fee_amount: int
    amount: int
    reversed_amount: int
    release_at: datetime | None
    paid_at: datetime | None
    transfer_id: str | None


class LedgerRowOut(BaseModel):
    entry_id: int
    created_at: datetime
    transaction_id: UUID
    account: str
    currency: str
    amount: int
    memo: str
    payment_id: UUID
    order_id: UUID


def _payout_row(row: Any) -> PayoutRowOut:
    return PayoutRowOut(**dict(zip(exports.PAYOUT_HEADER, row, strict=True)))


def _ledger_row(row: Any) -> LedgerRowOut:
    return LedgerRowOut(**dict(zip(exports.LEDGER_HEADER, row, strict=True)))


@router.get(
    "/payouts",
    summary="Every payout of a range, or its CSV",
    response_model=Page[PayoutRowOut],
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 422)},
)
async def admin_payouts(
    request: Request,
    *,
    _: AdminDep,
    database: DatabaseDep,
    params: PageParamsDep,
    start: From,
    end: To,
    format_: FormatQuery = None,
) -> Page[PayoutRowOut] | StreamingResponse:
    """The vendors' payouts made in the range, oldest first, in whatever state they are
    now (`held`, `paid`, `cancelled`, `reversed`): a page at a time, or with
    `format=csv` (or `Accept: text/csv`) all of them as one CSV download, amounts in
    minor units beside the currency. Admins only."""
    sound_range(start, end)
    if wants_csv(request, format_):
        rows = exports.payout_rows(database, start, end)
        return csv_response(filename("payouts", start, end), exports.PAYOUT_HEADER, rows)
    async with database.read() as session:
        return await keyset_page(
            session,
            repo.payouts(start, end),
            key=repo.PAYOUT_KEY,
            key_of=lambda row: (row.created_at, row.id),
            params=params,
            to_item=_payout_row,
            scalars=False,
        )


@router.get(
    "/ledger",
    summary="Every ledger leg of a range, or its CSV",
    response_model=Page[LedgerRowOut],
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 422)},
)
async def admin_ledger(
    request: Request,
    *,
    _: AdminDep,
    database: DatabaseDep,
    params: PageParamsDep,
    start: From,
    end: To,
    format_: FormatQuery = None,
) -> Page[LedgerRowOut] | StreamingResponse:
    """The double-entry ledger's legs written in the range, oldest first (each
    transaction's legs sum to zero): a page at a time, or with `format=csv` (or
    `Accept: text/csv`) all of them as one CSV download, signed amounts in minor units
    beside the currency. Admins only."""
    sound_range(start, end)
    if wants_csv(request, format_):
        rows = exports.ledger_rows(database, start, end)
        return csv_response(filename("ledger", start, end), exports.LEDGER_HEADER, rows)
    async with database.read() as session:
        return await keyset_page(
            session,
            repo.ledger(start, end),
            key=repo.LEDGER_KEY,
            key_of=lambda row: (row.created_at, row.id),
            params=params,
            to_item=_ledger_row,
            scalars=False,
        )
