"""Reading orders, the buyer's cancellation, and vendors shipping their sub-orders."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import Money
from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams, keyset_page
from agora_order.models import Order, OrderLine, SubOrder
from agora_order.api.schemas import (
    AddressIn,
    OrderLineOut,
    OrderOut,
    PaymentOut,
    SubOrderOut,
    VendorOrderOut,
)
from agora_order.service import saga
from agora_order.service.errors import NotCancellable, OrderNotFound


def _line_out(line: OrderLine, currency: str) -> OrderLineOut:
    return OrderLineOut(
        sku=line.sku,
        product_id=line.product_id,
        vendor_id=line.vendor_id,
        title=line.title,
        quantity=line.quantity,
        unit_price=Money(amount=line.unit_amount, currency=currency),
        line_total=Money(amount=line.line_amount, currency=currency),
    )


async def views(session: AsyncSession, orders: Sequence[Order]) -> list[OrderOut]:
    ids = [order.id for order in orders]
    if not ids:
        return []
    subs: dict[uuid.UUID, list[SubOrder]] = defaultdict(list)
    for sub in await session.scalars(
        select(SubOrder).where(SubOrder.order_id.in_(ids)).order_by(SubOrder.vendor_id)
    ):
        subs[sub.order_id].append(sub)
    lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    for line in await session.scalars(
        select(OrderLine).where(OrderLine.order_id.in_(ids)).order_by(OrderLine.position)
    ):
        lines[line.sub_order_id].append(line)
    out = []
    for order in orders:

        def money(amount: int, currency: str = order.currency) -> Money:
            return Money(amount=amount, currency=currency)

        payment = None
        if order.payment_id is not None or order.status == saga.AWAITING_PAYMENT:
            payment = PaymentOut(
                payment_id=order.payment_id, client_secret=order.client_secret, paid=order.paid
            )
        out.append(
            OrderOut(
                id=order.id,
                number=order.number,
                status=order.status,
                cancel_reason=order.cancel_reason,
                currency=order.currency,
                subtotal=money(order.subtotal_amount),
                discount=money(order.discount_amount),
                shipping=money(order.shipping_amount),
                tax=money(order.tax_amount),
                total=money(order.total_amount),
                refunded=money(order.refunded_amount),
                coupon_code=order.coupon_code,
                discount_funded_by=order.discount_funded_by,
                shipping_address=AddressIn.model_validate(order.shipping_address),
                payment=payment,
                sub_orders=[
                    SubOrderOut(
                        id=sub.id,
                        vendor_id=sub.vendor_id,
                        status=sub.status,
                        subtotal=money(sub.subtotal_amount),
                        carrier=sub.carrier,
                        tracking_number=sub.tracking_number,
                        shipped_at=sub.shipped_at,
                        delivered_at=sub.delivered_at,
                        lines=[_line_out(line, order.currency) for line in lines[sub.id]],
                    )
                    for sub in subs[order.id]
                ],
                placed_at=order.placed_at,
                updated_at=order.updated_at,
            )
        )
    return out


async def own(session: AsyncSession, buyer_id: uuid.UUID, order_id: uuid.UUID) -> Order:
    """The buyer's order; someone else's is as absent as a missing one (404)."""
    order = await session.get(Order, order_id)
    if order is None or order.buyer_id != buyer_id:
        raise OrderNotFound(f"No order {order_id}.")
    return order


async def cancel_by_buyer(
    session: AsyncSession, outbox: Outbox, buyer_id: uuid.UUID, order_id: uuid.UUID
) -> Order:
    await own(session, buyer_id, order_id)
    order = await saga.locked(session, order_id)
    assert order is not None
    if order.status in (saga.CANCELLED, saga.REFUNDED):
        return order  # cancelling twice is not an error
    shipped = await session.scalar(
        select(SubOrder.id).where(
            SubOrder.order_id == order_id,
            SubOrder.status.in_([saga.SUB_SHIPPED, saga.SUB_DELIVERED]),
        )
    )
    if shipped is not None or order.status not in (
        saga.PENDING,
        saga.AWAITING_PAYMENT,
        saga.CONFIRMED,
    ):
        raise NotCancellable("Part of the order has shipped; it can no longer be cancelled.")
    await saga.cancel(
        session, outbox, order, reason="You cancelled the order.", cause="buyer.cancel"
    )
    return order


def _vendor_rows(
    vendor_ids: Sequence[uuid.UUID], *, status: str | None = None
) -> Select[tuple[SubOrder, Order]]:
    """The paid sub-orders of ``vendor_ids``, with their orders."""
    return (
        select(SubOrder, Order)
        .join(Order, Order.id == SubOrder.order_id)
        .where(
            SubOrder.vendor_id.in_(list(vendor_ids)),
            Order.status.in_(
                [saga.CONFIRMED, saga.SHIPPED, saga.DELIVERED, saga.CANCELLED, saga.REFUNDED]
            ),
            Order.paid.is_(True),
            *([SubOrder.status == status] if status is not None else []),
        )
    )


async def vendor_sub_orders_page(
    session: AsyncSession,
    vendor_ids: Sequence[uuid.UUID],
    params: PageParams,
    *,
    status: str | None = None,
) -> Page[VendorOrderOut]:
    """One page of the paid sub-orders of ``vendor_ids``, newest order first."""

    def key_of(row: tuple[SubOrder, Order]) -> tuple[object, ...]:
        return (row[1].placed_at, row[0].id)

    # Each row is the (sub-order, order) pair, not a single entity (scalars=False).
    rows = cast("Select[tuple[tuple[SubOrder, Order]]]", _vendor_rows(vendor_ids, status=status))
    page = await keyset_page(
        session,
        rows,
        key=[Order.placed_at, SubOrder.id],
        key_of=key_of,
        params=params,
        to_item=lambda row: row,
        direction="desc",
        scalars=False,
    )
    return Page[VendorOrderOut](
        items=await _vendor_out(session, page.items), next_cursor=page.next_cursor
    )


async def vendor_sub_order(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID], sub_order_id: uuid.UUID
) -> list[VendorOrderOut]:
    rows = (
        (await session.execute(_vendor_rows(vendor_ids).where(SubOrder.id == sub_order_id)))
        .tuples()
        .all()
    )
    return await _vendor_out(session, rows)


async def _vendor_out(
    session: AsyncSession, rows: Sequence[tuple[SubOrder, Order]]
) -> list[VendorOrderOut]:
    sub_ids = [sub.id for sub, _ in rows]
    lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    if sub_ids:
        for line in await session.scalars(
            select(OrderLine)
            .where(OrderLine.sub_order_id.in_(sub_ids))
            .order_by(OrderLine.position)
        ):
            lines[line.sub_order_id].append(line)
    return [
        VendorOrderOut(
            id=sub.id,
            order_id=order.id,
            order_number=order.number,
            order_status=order.status,
            status=sub.status,
            subtotal=Money(amount=sub.subtotal_amount, currency=order.currency),
            shipping_address=AddressIn.model_validate(order.shipping_address),
            carrier=sub.carrier,
            tracking_number=sub.tracking_number,
            lines=[_line_out(line, order.currency) for line in lines[sub.id]],
        )
        for sub, order in rows
    ]
