"""What the order service holds about one person, for the GDPR export and erasure
(ADR 0112): their orders (with lines and sub-orders), cart and coupon redemptions."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import (
    OPEN,
    CartItem,
    CouponRedemption,
    Order,
    Return,
    SubOrder,
)

ERASED_REASON = "(erased)"


async def orders_of(session: AsyncSession, buyer_id: uuid.UUID) -> list[Order]:
    rows = await session.scalars(
        select(Order).where(Order.buyer_id == buyer_id).order_by(Order.placed_at, Order.id)
    )
    return list(rows)


async def open_order_ids(session: AsyncSession, buyer_id: uuid.UUID) -> list[uuid.UUID]:
    """The buyer's orders placed, awaiting payment or paid and not yet shipped."""
    rows = await session.scalars(
        select(Order.id).where(Order.buyer_id == buyer_id, Order.status.in_(OPEN))
    )
    return list(rows)


async def returns_of(session: AsyncSession, buyer_id: uuid.UUID) -> list[Return]:
    rows = await session.scalars(
        select(Return).where(Return.buyer_id == buyer_id).order_by(Return.requested_at)
    )
    return list(rows)


async def redemptions_of(session: AsyncSession, buyer_id: uuid.UUID) -> list[CouponRedemption]:
    rows = await session.scalars(
        select(CouponRedemption)
        .where(CouponRedemption.buyer_id == buyer_id)
        .order_by(CouponRedemption.created_at)
    )
    return list(rows)


async def anonymise_orders(session: AsyncSession, buyer_id: uuid.UUID) -> int:
    """Clear where the buyer's orders went and how they paid; the amounts, lines and
    states stay for the accounts. How many orders still named the person."""
    result = await session.execute(
        update(Order)
        .where(
            Order.buyer_id == buyer_id,
            (Order.shipping_address.is_not(None))
            | Order.payment_method.is_not(None)
            | Order.client_secret.is_not(None),
        )
        .values(shipping_address=null(), payment_method=None, client_secret=None)
        .execution_options(synchronize_session=False)
    )
    # A return's reason is the buyer's own words.
    await session.execute(
        update(Return)
        .where(Return.buyer_id == buyer_id, Return.reason != ERASED_REASON)
        .values(reason=ERASED_REASON)
        .execution_options(synchronize_session=False)
    )
    # A parcel's tracking number finds its recipient at the carrier.
    await session.execute(
        update(SubOrder)
        .where(
            SubOrder.order_id.in_(select(Order.id).where(Order.buyer_id == buyer_id)),
            SubOrder.tracking_number.is_not(None),
        )
        .values(tracking_number=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def clear_cart(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    await session.execute(delete(CartItem).where(CartItem.buyer_id == buyer_id))
