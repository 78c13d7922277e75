"""Vendors ship their own sub-orders; the order ships when all have, and is delivered
when every parcel is."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts import order as contracts
from agora_kit import audit
from agora_kit.errors import Conflict, Forbidden, NotFound
from agora_kit.events.outbox import Outbox
from agora_order.models import (
    CONFIRMED,
    DELIVERED,
    SHIPPED,
    SUB_DELIVERED,
    SUB_PENDING,
    SUB_SHIPPED,
    SubOrder,
)
from agora_order.repository import orders as order_repo
from agora_order.repository import vendors as vendor_repo
from agora_order.service import saga

# The fields of a sub-order the audit log keeps when it ships.
SHIPPING = ("status", "carrier", "tracking_number")


async def remember(
    session: AsyncSession, vendor_id: uuid.UUID, owner_id: uuid.UUID, name: str, *, active: bool
) -> None:
    await vendor_repo.upsert(session, vendor_id, owner_id, name, active=active)


async def owned_by(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    return await vendor_repo.owned_by(session, user_id)


async def _own_sub_order(
    session: AsyncSession, user_id: uuid.UUID, sub_order_id: uuid.UUID
) -> SubOrder:
    sub = await order_repo.get_sub_order(session, sub_order_id)
    if sub is None:
        raise NotFound(f"No sub-order {sub_order_id}.")
    if sub.vendor_id not in await owned_by(session, user_id):
        raise Forbidden("This sub-order belongs to another store.")
    return sub


async def ship(
    session: AsyncSession,
    outbox: Outbox,
    user_id: uuid.UUID,
    sub_order_id: uuid.UUID,
    *,
    carrier: str,
    tracking_number: str,
) -> SubOrder:
    sub = await _own_sub_order(session, user_id, sub_order_id)
    order = await order_repo.locked(session, sub.order_id)
    assert order is not None
    await order_repo.lock_sub_order(session, sub)
    if sub.status != SUB_PENDING or order.status not in (CONFIRMED,):
        raise Conflict(f"This sub-order is {sub.status} and its order {order.status}: no shipping.")
    before = audit.snapshot(sub, SHIPPING)
    sub.status = SUB_SHIPPED
    sub.carrier = carrier
    sub.tracking_number = tracking_number
    sub.shipped_at = saga.now()
    await session.flush()
    lines = [
        line
        for line in await order_repo.lines_of(session, [order.id])
        if line.sub_order_id == sub.id
    ]
    await outbox.add(
        session,
        contracts.OrderShipped(
            order_id=order.id,
            buyer_id=order.buyer_id,
            carrier=carrier,
            tracking_number=tracking_number,
            vendor_id=sub.vendor_id,
            sub_order_id=sub.id,
            lines=[saga.contract_line(line, order.currency) for line in lines],
            shipped_at=sub.shipped_at,
            order_number=order.number,
        ),
        key=str(order.id),
    )
    if await order_repo.sub_order_statuses(session, order.id) == {SUB_SHIPPED}:
        await saga.move(session, order, SHIPPED, cause="vendor.ship")
    await audit.record(
        session,
        outbox,
        action="order.ship",
        resource_type="sub_order",
        resource_id=sub.id,
        before=before,
        after=audit.snapshot(sub, SHIPPING),
    )
    return sub


async def deliver(
    session: AsyncSession, outbox: Outbox, user_id: uuid.UUID, sub_order_id: uuid.UUID
) -> SubOrder:
    """The carrier handed the vendor's parcel over."""
    sub = await _own_sub_order(session, user_id, sub_order_id)
    order = await order_repo.locked(session, sub.order_id)
    assert order is not None
    await order_repo.lock_sub_order(session, sub)
    if sub.status != SUB_SHIPPED:
        raise Conflict(f"This sub-order is {sub.status}: only a shipped parcel is delivered.")
    sub.status = SUB_DELIVERED
    sub.delivered_at = saga.now()
    await session.flush()
    await outbox.add(
        session,
        contracts.OrderDelivered(
            order_id=order.id,
            buyer_id=order.buyer_id,
            vendor_id=sub.vendor_id,
            sub_order_id=sub.id,
            delivered_at=sub.delivered_at,
            order_number=order.number,
        ),
        key=str(order.id),
    )
    if await order_repo.sub_order_statuses(session, order.id) == {SUB_DELIVERED}:
        await saga.move(session, order, DELIVERED, cause="vendor.deliver")
    return sub
