"""A store's figures (ADR 0098): its paid sub-orders by period, its best sellers and
its SKUs low on stock; and the payouts the payment service's events told of."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import Order, OrderLine, Sku, SubOrder, VendorPayout


def bucket_of(column: Any, interval: str) -> Any:
    """The first instant of the UTC ``interval`` (day, week, month) ``column`` falls
    in, labelled ``bucket`` (a time without zone, in UTC)."""
    return func.date_trunc(interval, func.timezone("UTC", column)).label("bucket")


async def payout_created(
    session: AsyncSession,
    payout_id: uuid.UUID,
    order_id: uuid.UUID,
    vendor_id: uuid.UUID,
    *,
    fee: int,
    amount: int,
    currency: str,
) -> None:
    statement = pg_insert(VendorPayout).values(
        payout_id=payout_id,
        order_id=order_id,
        vendor_id=vendor_id,
        fee_amount=fee,
        amount=amount,
        reversed_amount=0,
        currency=currency,
    )
    # A reversal told first left a row without the fee and amount: set them, keep the
    # total reversed (the same news twice writes the same values).
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[VendorPayout.payout_id],
            set_={"fee_amount": fee, "amount": amount},
        )
    )


async def payout_reversed(
    session: AsyncSession,
    payout_id: uuid.UUID,
    order_id: uuid.UUID,
    vendor_id: uuid.UUID,
    *,
    total_reversed: int,
    currency: str,
) -> None:
    """Keep the largest total reversed yet (events of one payout may come again)."""
    statement = pg_insert(VendorPayout).values(
        payout_id=payout_id,
        order_id=order_id,
        vendor_id=vendor_id,
        fee_amount=0,
        amount=total_reversed,
        reversed_amount=total_reversed,
        currency=currency,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[VendorPayout.payout_id],
            set_={
                "reversed_amount": func.greatest(
                    VendorPayout.reversed_amount, statement.excluded.reversed_amount
                )
            },
        )
    )


def _refunded_share(value: ColumnElement[Any]) -> ColumnElement[int]:
    """``value``'s part of what was refunded of its order, rounded up: the payment
    service's own rule for a payee's share of refunds."""
    return case(
        (
            Order.total_amount > 0,
            (value * Order.refunded_amount + Order.total_amount - 1) // Order.total_amount,
        ),
        else_=0,
    )


async def buckets(
    session: AsyncSession,
    vendor_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    interval: str,
) -> Sequence[Row[Any]]:
    """Per period (``interval`` of the orders' UTC placing time) and currency: orders,
    units, gross sales, refunds, platform fees and net payouts of the stores."""
    # Each sub-order's units, looked up by its own (indexed) lines: a grouped subquery
    # joined afterwards would sum every line of every store on each request.
    units = (
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .where(OrderLine.sub_order_id == SubOrder.id)
        .correlate(SubOrder)
        .scalar_subquery()
    )
    gross = SubOrder.subtotal_amount - SubOrder.discount_amount
    fee = func.coalesce(VendorPayout.fee_amount, 0)
    bucket = bucket_of(Order.placed_at, interval)
    statement = (
        select(
            bucket,
            Order.currency,
            func.count(func.distinct(Order.id)).label("orders"),
            func.sum(units).label("units"),
            func.sum(gross).label("gross"),
            func.sum(_refunded_share(gross)).label("refunds"),
            func.sum(fee - _refunded_share(fee)).label("fees"),
            func.sum(func.coalesce(VendorPayout.amount - VendorPayout.reversed_amount, 0)).label(
                "payouts"
            ),
        )
        .join(Order, Order.id == SubOrder.order_id)
        .outerjoin(
            VendorPayout,
            (VendorPayout.order_id == SubOrder.order_id)
            & (VendorPayout.vendor_id == SubOrder.vendor_id),
        )
        .where(
            SubOrder.vendor_id.in_(vendor_ids),
            Order.paid.is_(True),
            Order.placed_at >= start,
            Order.placed_at < end,
        )
        .group_by(bucket, Order.currency)
        .order_by(bucket, Order.currency)
    )
    return (await session.execute(statement)).all()


async def top_products(
    session: AsyncSession,
    vendor_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    limit: int,
) -> Sequence[Row[Any]]:
    """The stores' products by units sold in paid orders placed in the range."""
    units = func.sum(OrderLine.quantity).label("units")
    statement = (
        select(
            OrderLine.product_id,
            func.max(OrderLine.title).label("title"),
            Order.currency,
            units,
            func.sum(OrderLine.line_amount).label("sales"),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.vendor_id.in_(vendor_ids),
            Order.paid.is_(True),
            Order.placed_at >= start,
            Order.placed_at < end,
        )
        .group_by(OrderLine.product_id, Order.currency)
        .order_by(units.desc(), OrderLine.product_id)
        .limit(limit)
    )
    return (await session.execute(statement)).all()


async def low_stock(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID], *, at_most: int, limit: int
) -> Sequence[Sku]:
    """The stores' SKUs for sale with ``at_most`` units available now, fewest first."""
    statement = (
        select(Sku)
        .where(Sku.vendor_id.in_(vendor_ids), Sku.for_sale.is_(True), Sku.available <= at_most)
        .order_by(Sku.available, Sku.sku)
        .limit(limit)
    )
    return list(await session.scalars(statement))
