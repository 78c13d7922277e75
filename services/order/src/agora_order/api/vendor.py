"""A vendor's sub-orders: ``/vendor/orders``."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from agora_kit.app import OutboxDep
from agora_kit.auth import (
    ROLE_ADMIN,
    ROLE_VENDOR,
    SCOPE_ORDERS_READ,
    SCOPE_ORDERS_WRITE,
    Principal,
    require_roles,
)
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_order.api.deps import user_of
from agora_order.api.schemas import ShipIn, VendorOrderOut, vendor_order_out
from agora_order.service import orders, vendors

router = APIRouter(prefix="/vendor/orders", tags=["vendors"])
# A vendor's API key reads sub-orders with orders:read and ships or delivers them with
# orders:write; the gateway checks the same (defence in depth).
VendorReaderDep = Annotated[
    Principal, Depends(require_roles(ROLE_VENDOR, ROLE_ADMIN, scope=SCOPE_ORDERS_READ))
]
VendorWriterDep = Annotated[
    Principal, Depends(require_roles(ROLE_VENDOR, ROLE_ADMIN, scope=SCOPE_ORDERS_WRITE))
]


async def _one(session: SessionDep, user: uuid.UUID, sub_order_id: uuid.UUID) -> VendorOrderOut:
    [one] = await orders.vendor_sub_order(
        session, await vendors.owned_by(session, user), sub_order_id
    )
    return vendor_order_out(one)


SubOrderStatus = Literal["pending", "shipped", "delivered", "cancelled"]


@router.get(
    "",
    summary="Your store's orders",
    response_model=Page[VendorOrderOut],
    responses=problem_responses(401, 403, 422),
)
async def list_sub_orders(
    principal: VendorReaderDep,
    session: SessionDep,
    params: PageParamsDep,
    status: Annotated[
        SubOrderStatus | None,
        Query(description="Only sub-orders in this state (`pending`: paid, not shipped yet)"),
    ] = None,
) -> Page[VendorOrderOut]:
    """The paid sub-orders of the caller's stores, newest order first, a page at a time
    (follow `next_cursor` to the end)."""
    mine = await vendors.owned_by(session, user_of(principal))
    page = await orders.vendor_sub_orders_page(session, mine, params, status=status)
    return Page[VendorOrderOut](
        items=[vendor_order_out(one) for one in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/{sub_order_id}/ship",
    summary="Ship a sub-order",
    response_model=VendorOrderOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def ship(
    sub_order_id: uuid.UUID,
    body: ShipIn,
    principal: VendorWriterDep,
    session: SessionDep,
    outbox: OutboxDep,
) -> VendorOrderOut:
    """Mark one of the caller's store's sub-orders shipped, with the carrier and
    tracking number. Only the store's own sub-orders (403 otherwise)."""
    user = user_of(principal)
    await vendors.ship(
        session,
        outbox,
        user,
        sub_order_id,
        carrier=body.carrier,
        tracking_number=body.tracking_number,
    )
    return await _one(session, user, sub_order_id)


@router.post(
    "/{sub_order_id}/deliver",
    summary="Mark a sub-order delivered",
    response_model=VendorOrderOut,
    responses=problem_responses(401, 403, 404, 409),
)
async def deliver(
    sub_order_id: uuid.UUID, principal: VendorWriterDep, session: SessionDep, outbox: OutboxDep
) -> VendorOrderOut:
    """The carrier delivered the parcel (the order is delivered when all parcels are)."""
    user = user_of(principal)
    await vendors.deliver(session, outbox, user, sub_order_id)
    return await _one(session, user, sub_order_id)
