"""The platform's figures by period for the admin analytics (ADR 0101): paid orders,
their totals and refunds, first-time buyers and carts begun; and the orders export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from agora_order.models import CartStart, Order
from agora_order.repository.stats import bucket_of


async def paid_orders(
    session: AsyncSession, start: datetime, end: datetime, interval: str
) -> Sequence[Row[Any]]:
    """Per period and currency: paid orders placed in it, their totals and what was
    refunded of them."""
    bucket = bucket_of(Order.placed_at, interval)
    statement = (
        select(
            bucket,
            Order.currency,
            func.count().label("orders"),
            func.sum(Order.total_amount).label("total"),
            func.sum(Order.refunded_amount).label("refunded"),
        )
        .where(Order.paid.is_(True), Order.placed_at >= start, Order.placed_at < end)
        .group_by(bucket, Order.currency)
    )
    return (await session.execute(statement)).all()


async def new_buyers(
    session: AsyncSession, start: datetime, end: datetime, interval: str
) -> Sequence[Row[Any]]:
    """Per period: buyers whose first paid order was placed in it."""
    # The range's paid orders, less the buyers with one paid before it (looked up by
    # buyer and placing time, indexed): not every paid order before ``end``.
    earlier = aliased(Order)
    paid_before = (
        select(earlier.id)
        .where(
            earlier.buyer_id == Order.buyer_id,
            earlier.paid.is_(True),
            earlier.placed_at < start,
        )
        .exists()
    )
    first = (
        select(Order.buyer_id, func.min(Order.placed_at).label("first_at"))
        .where(Order.paid.is_(True), Order.placed_at >= start, Order.placed_at < end)
        .where(~paid_before)
        .group_by(Order.buyer_id)
        .subquery()
    )
    bucket = bucket_of(first.c.first_at, interval)
    statement = select(bucket, func.count().label("buyers")).group_by(bucket)
    return (await session.execute(statement)).all()


async def carts_started(
    session: AsyncSession, start: datetime, end: datetime, interval: str
) -> Sequence[Row[Any]]:
    """Per period: carts begun in it."""
    bucket = bucket_of(CartStart.started_at, interval)
    statement = (
        select(bucket, func.count().label("carts"))
        .where(CartStart.started_at >= start, CartStart.started_at < end)
        .group_by(bucket)
    )
    return (await session.execute(statement)).all()


# The export's columns, in the order of its rows' fields (`OrderRowOut`, the CSV header).
EXPORT_COLUMNS = (
    Order.id,
    Order.number,
    Order.placed_at,
    Order.buyer_id,
    Order.status,
    Order.paid,
    Order.currency,
    Order.subtotal_amount,
    Order.discount_amount,
    Order.shipping_amount,
    Order.tax_amount,
    Order.total_amount,
    Order.refunded_amount,
    Order.coupon_code,
)
EXPORT_KEY = (Order.placed_at, Order.id)


def orders_placed(start: datetime, end: datetime) -> Select[Any]:
    """Every order placed in [start, end), paid or not, for the export (ordered and
    cut into batches by the caller, on ``EXPORT_KEY``)."""
    return select(*EXPORT_COLUMNS).where(Order.placed_at >= start, Order.placed_at < end)
