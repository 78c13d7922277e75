"""Returns (ADR 0116): the buyer's ``/orders/{id}/returns`` and the store's
``/vendor/returns``."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from agora_kit.app import OutboxDep
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_order.api.deps import ReaderDep, SettingsDep, WriterDep, user_of
from agora_order.api.return_schemas import (
    ApproveIn,
    RejectIn,
    ReturnIn,
    ReturnOut,
    ReturnStatus,
    return_out,
)
from agora_order.api.vendor import VendorReaderDep, VendorWriterDep
from agora_order.service import returns

router = APIRouter(tags=["returns"])


@router.post(
    "/orders/{order_id}/returns",
    summary="Ask to return delivered items",
    status_code=201,
    response_model=ReturnOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def request_return(
    order_id: uuid.UUID,
    body: ReturnIn,
    *,
    buyer: WriterDep,
    session: SessionDep,
    outbox: OutboxDep,
    settings: SettingsDep,
) -> ReturnOut:
    """Ask the store to take back units of delivered lines of one of its parcels,
    within the return window from delivery (`AGORA_ORDER_RETURN_WINDOW_DAYS`). 422 for
    SKUs not in the order or of several stores, 409 for lines not delivered, a closed
    window or more units than are left to return; nothing is changed then."""
    view = await returns.request(
        session,
        outbox,
        buyer_id=buyer,
        order_id=order_id,
        wanted=[(line.sku, line.quantity) for line in body.lines],
        reason=body.reason,
        window=timedelta(days=settings.return_window_days),
    )
    return return_out(view)


@router.get(
    "/orders/{order_id}/returns",
    summary="Your returns of an order",
    response_model=list[ReturnOut],
    responses=problem_responses(401, 403, 404),
)
async def list_order_returns(
    order_id: uuid.UUID, buyer: ReaderDep, session: SessionDep
) -> list[ReturnOut]:
    """Every return asked of the order, oldest first, with its state and refund."""
    return [return_out(v) for v in await returns.of_buyer_order(session, buyer, order_id)]


@router.get(
    "/vendor/returns",
    summary="Your store's returns",
    response_model=Page[ReturnOut],
    responses=problem_responses(401, 403, 422),
)
async def list_vendor_returns(
    principal: VendorReaderDep,
    session: SessionDep,
    params: PageParamsDep,
    status: Annotated[ReturnStatus | None, Query(description="Only returns in this state")] = None,
) -> Page[ReturnOut]:
    """Returns asked of the caller's stores, newest first, a page at a time."""
    page = await returns.vendor_page(session, user_of(principal), params, status)
    return Page[ReturnOut](items=[return_out(v) for v in page.items], next_cursor=page.next_cursor)


@router.post(
    "/vendor/returns/{return_id}/approve",
    summary="Accept a return",
    response_model=ReturnOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def approve_return(
    return_id: uuid.UUID,
    body: ApproveIn,
    principal: VendorWriterDep,
    session: SessionDep,
    outbox: OutboxDep,
) -> ReturnOut:
    """Accept a requested return; `restock`: put the units back on sale on receipt."""
    view = await returns.approve(
        session, outbox, user_of(principal), return_id, restock=body.restock
    )
    return return_out(view)


@router.post(
    "/vendor/returns/{return_id}/reject",
    summary="Refuse a return",
    response_model=ReturnOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def reject_return(
    return_id: uuid.UUID,
    body: RejectIn,
    principal: VendorWriterDep,
    session: SessionDep,
    outbox: OutboxDep,
) -> ReturnOut:
    """Refuse a requested return, with the reason the buyer is shown."""
    view = await returns.reject(session, outbox, user_of(principal), return_id, reason=body.reason)
    return return_out(view)


@router.post(
    "/vendor/returns/{return_id}/receive",
    summary="Record a return's parcel received",
    response_model=ReturnOut,
    responses=problem_responses(401, 403, 404, 409),
)
async def receive_return(
    return_id: uuid.UUID, principal: VendorWriterDep, session: SessionDep, outbox: OutboxDep
) -> ReturnOut:
    """The store has the approved return back: the buyer is refunded what they paid
    for those units (after discounts; shipping stays), and the stock restocked when
    the store said so on approval. A second receipt is 409."""
    view = await returns.receive(session, outbox, user_of(principal), return_id)
    return return_out(view)
