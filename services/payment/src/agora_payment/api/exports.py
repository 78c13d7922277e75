"""Admin: ``/admin/payouts`` and ``/admin/ledger``, a range's payouts and ledger legs a
page at a time, or all of it as CSV (ADR 0101)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import StreamingResponse

from agora_kit.db import DatabaseDep
from agora_kit.errors import problem_responses
from agora_kit.export import CSV_RESPONSE, FormatQuery, From, To, range_export
from agora_kit.pagination import Page, PageParamsDep
from agora_payment.api.deps import AdminDep
from agora_payment.repository import exports as repo

router = APIRouter(prefix="/admin", tags=["admin"])


# The rows of the exports: their fields are the CSV's header, in the order of the
# columns ``repo.payouts`` and ``repo.ledger`` select.
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
    return await range_export(
        request,
        database,
        kind="payouts",
        row=PayoutRowOut,
        statement=repo.payouts(start, end),
        key=repo.PAYOUT_KEY,
        start=start,
        end=end,
        format_=format_,
        params=params,
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
    return await range_export(
        request,
        database,
        kind="ledger",
        row=LedgerRowOut,
        statement=repo.ledger(start, end),
        key=repo.LEDGER_KEY,
        start=start,
        end=end,
        format_=format_,
        params=params,
    )
