"""Reading orders (the buyer's and the vendors' sub-orders) and the buyer's
cancellation."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams
from agora_order.models import (
    CANCELLED,
    REFUNDED,
    Order,
    OrderLine,
    SubOrder,
)
from agora_order.repository import orders as order_repo
from agora_order.service import saga
from agora_order.service.errors import NotCancellable, OrderNotFound


@dataclass(frozen=True)
class SubOrderDetail:
    """A vendor's part of an order, with its lines."""

    sub: SubOrder
    lines: list[OrderLine]


@dataclass(frozen=True)
class OrderDetail:
    """An order with its sub-orders (by vendor) and their lines."""

    order: Order
    sub_orders: list[SubOrderDetail]


@dataclass(frozen=True)
class VendorSubOrder:
    """A vendor's paid sub-order, the order it is part of, and its lines."""

    sub: SubOrder
    order: Order
    lines: list[OrderLine]


async def details(session: AsyncSession, orders: Sequence[Order]) -> list[OrderDetail]:
    ids = [order.id for order in orders]
    if not ids:
        return []
    subs: dict[uuid.UUID, list[SubOrder]] = defaultdict(list)
    for sub in await order_repo.sub_orders_of(session, ids):
        subs[sub.order_id].append(sub)
    lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    for line in await order_repo.lines_of(session, ids):
        lines[line.sub_order_id].append(line)
    return [
        OrderDetail(
            order=order,
            sub_orders=[SubOrderDetail(sub=sub, lines=lines[sub.id]) for sub in subs[order.id]],
        )
        for order in orders
    ]


async def detail(session: AsyncSession, order: Order) -> OrderDetail:
    [one] = await details(session, [order])
    return one


async def buyer_page(
    session: AsyncSession, buyer_id: uuid.UUID, params: PageParams
) -> Page[OrderDetail]:
    """One page of the buyer's orders, newest first."""
    page = await order_repo.buyer_page(session, buyer_id, params)
    # Unparameterised, the page holds the details as they are (no validation).
    return Page(items=await details(session, page.items), next_cursor=page.next_cursor)


async def own(session: AsyncSession, buyer_id: uuid.UUID, order_id: uuid.UUID) -> Order:
    """The buyer's order; someone else's is as absent as a missing one (404)."""
    order = await order_repo.get(session, order_id)
    if order is None or order.buyer_id != buyer_id:
        raise OrderNotFound(f"No order {order_id}.")
    return order


async def cancel_by_buyer(
    session: AsyncSession, outbox: Outbox, buyer_id: uuid.UUID, order_id: uuid.UUID
) -> Order:
    await own(session, buyer_id, order_id)
    order = await order_repo.locked(session, order_id)
    assert order is not None
    if order.status in (CANCELLED, REFUNDED):
        return order  # cancelling twice is not an error
    if not await order_repo.cancellable(session, order):
        raise NotCancellable("Part of the order has shipped; it can no longer be cancelled.")
    await saga.cancel(
        session, outbox, order, reason="You cancelled the order.", cause="buyer.cancel"
    )
    return order


async def vendor_sub_orders_page(
    session: AsyncSession,
    vendor_ids: Sequence[uuid.UUID],
    params: PageParams,
    *,
    status: str | None = None,
) -> Page[VendorSubOrder]:
    """One page of the paid sub-orders of ``vendor_ids``, newest order first."""
    page = await order_repo.vendor_page(session, vendor_ids, params, status=status)
    return Page(items=await _with_lines(session, page.items), next_cursor=page.next_cursor)


async def vendor_sub_order(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID], sub_order_id: uuid.UUID
) -> list[VendorSubOrder]:
    """The paid sub-order of ``vendor_ids``, or none."""
    rows = await order_repo.vendor_sub_order(session, vendor_ids, sub_order_id)
    return await _with_lines(session, rows)


async def _with_lines(
    session: AsyncSession, rows: Sequence[tuple[SubOrder, Order]]
) -> list[VendorSubOrder]:
    lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    for line in await order_repo.lines_of_sub_orders(session, [sub.id for sub, _ in rows]):
        lines[line.sub_order_id].append(line)
    return [VendorSubOrder(sub=sub, order=order, lines=lines[sub.id]) for sub, order in rows]
