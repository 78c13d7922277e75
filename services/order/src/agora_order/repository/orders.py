"""Orders, their vendors' sub-orders and their lines (``orders``, ``sub_orders``,
``order_lines``): locks, reads and the pages of buyers and vendors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, entity_page, keyset_page
from agora_order.models import (
    CANCELLED,
    CONFIRMED,
    DELIVERED,
    OPEN,
    REFUNDED,
    SHIPPED,
    SUB_DELIVERED,
    SUB_SHIPPED,
    UNPAID,
    Order,
    OrderLine,
    SubOrder,
)

# --- Orders.


async def get(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    return await session.get(Order, order_id)


async def locked(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    """The order as committed now, its row locked until the transaction ends (the
    values read under the lock, never the session's copy read before it)."""
    order: Order | None = await session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return order


async def lock_buyer_checkout(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    """A transaction-scoped advisory lock on the buyer's checkouts: they take turns."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:buyer, 0))"),
        {"buyer": f"checkout:{buyer_id}"},
    )


async def count_unpaid(session: AsyncSession, buyer_id: uuid.UUID) -> int:
    """The buyer's orders placed and not yet paid (pending or awaiting payment)."""
    unpaid = await session.scalar(
        select(func.count())
        .select_from(Order)
        .where(
            Order.buyer_id == buyer_id,
            Order.status.in_(UNPAID),
            Order.paid.is_(False),
        )
    )
    return int(unpaid or 0)


async def unpaid_placed_before(
    session: AsyncSession, cutoff: datetime, *, limit: int = 100
) -> list[uuid.UUID]:
    """Up to ``limit`` orders still pending or awaiting payment, placed before ``cutoff``."""
    rows = await session.scalars(
        select(Order.id).where(Order.status.in_(UNPAID), Order.placed_at < cutoff).limit(limit)
    )
    return list(rows)


async def buyer_page(session: AsyncSession, buyer_id: uuid.UUID, params: PageParams) -> Page[Order]:
    """One page of the buyer's orders, newest first."""
    return await entity_page(
        session,
        select(Order).where(Order.buyer_id == buyer_id),
        key=[Order.placed_at, Order.id],
        params=params,
        direction="desc",
    )


# --- Sub-orders and lines.


async def sub_orders_of(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[SubOrder]:
    """The sub-orders of ``order_ids``, by vendor."""
    rows = await session.scalars(
        select(SubOrder).where(SubOrder.order_id.in_(list(order_ids))).order_by(SubOrder.vendor_id)
    )
    return list(rows)


async def sub_order_statuses(session: AsyncSession, order_id: uuid.UUID) -> set[str]:
    """The states the order's sub-orders are in."""
    return set(await session.scalars(select(SubOrder.status).where(SubOrder.order_id == order_id)))


async def cancellable(session: AsyncSession, order: Order) -> bool:
    """Whether ``order`` may still be cancelled: open, and no part of it shipped."""
    return order.status in OPEN and not await any_sub_order_shipped(session, order.id)


async def any_sub_order_shipped(session: AsyncSession, order_id: uuid.UUID) -> bool:
    """Whether a vendor has shipped (or delivered) part of the order."""
    shipped = await session.scalar(
        select(SubOrder.id).where(
            SubOrder.order_id == order_id,
            SubOrder.status.in_([SUB_SHIPPED, SUB_DELIVERED]),
        )
    )
    return shipped is not None


async def get_sub_order(session: AsyncSession, sub_order_id: uuid.UUID) -> SubOrder | None:
    return await session.get(SubOrder, sub_order_id)


async def lock_sub_order(session: AsyncSession, sub: SubOrder) -> None:
    """Read the sub-order again, its row locked until the transaction ends."""
    await session.refresh(sub, with_for_update=True)


async def lines_of(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[OrderLine]:
    """The lines of ``order_ids``, in the order the buyer's cart held them."""
    rows = await session.scalars(
        select(OrderLine)
        .where(OrderLine.order_id.in_(list(order_ids)))
        .order_by(OrderLine.position)
    )
    return list(rows)


async def lines_of_sub_orders(
    session: AsyncSession, sub_order_ids: Sequence[uuid.UUID]
) -> list[OrderLine]:
    if not sub_order_ids:
        return []
    rows = await session.scalars(
        select(OrderLine)
        .where(OrderLine.sub_order_id.in_(list(sub_order_ids)))
        .order_by(OrderLine.position)
    )
    return list(rows)


# --- What vendors see: their paid sub-orders, with their orders.


def _vendor_rows(
    vendor_ids: Sequence[uuid.UUID], *, status: str | None = None
) -> Select[tuple[SubOrder, Order]]:
    """The paid sub-orders of ``vendor_ids``, with their orders."""
    return (
        select(SubOrder, Order)
        .join(Order, Order.id == SubOrder.order_id)
        .where(
            SubOrder.vendor_id.in_(list(vendor_ids)),
            Order.status.in_([CONFIRMED, SHIPPED, DELIVERED, CANCELLED, REFUNDED]),
            Order.paid.is_(True),
            *([SubOrder.status == status] if status is not None else []),
        )
    )


async def vendor_page(
    session: AsyncSession,
    vendor_ids: Sequence[uuid.UUID],
    params: PageParams,
    *,
    status: str | None = None,
) -> Page[tuple[SubOrder, Order]]:
    """One page of the paid sub-orders of ``vendor_ids``, newest order first."""

    def key_of(row: tuple[SubOrder, Order]) -> tuple[object, ...]:
        return (row[1].placed_at, row[0].id)

    # Each row is the (sub-order, order) pair, not a single entity (scalars=False).
    rows = cast("Select[tuple[tuple[SubOrder, Order]]]", _vendor_rows(vendor_ids, status=status))
    return await keyset_page(
        session,
        rows,
        key=[Order.placed_at, SubOrder.id],
        key_of=key_of,
        params=params,
        to_item=lambda row: row,
        direction="desc",
        scalars=False,
    )


async def vendor_sub_order(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID], sub_order_id: uuid.UUID
) -> list[tuple[SubOrder, Order]]:
    """The paid sub-order ``sub_order_id`` of ``vendor_ids`` with its order, or none."""
    result = await session.execute(_vendor_rows(vendor_ids).where(SubOrder.id == sub_order_id))
    return list(result.tuples().all())
