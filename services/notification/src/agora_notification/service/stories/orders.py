"""The order and payment events: what the buyer is told of their order (confirmed with
its receipt, payment failed, shipped, delivered, cancelled, refunded), and the orders
learned (buyer and number) for the events that do not name them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.order import (
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderLine,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
)
from agora_contracts.payment import PaymentFailed
from agora_kit.events.envelope import CloudEvent
from agora_notification.repository import refs
from agora_notification.service.context import NotificationContext
from agora_notification.service.errors import RecipientUnknown
from agora_notification.service.notify import Story, tell


def _short(value: uuid.UUID) -> str:
    return str(value).split("-")[0].upper()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _line(line: OrderLine) -> dict[str, Any]:
    return {
        "sku": line.sku,
        "title": line.title,
        "quantity": line.quantity,
        "unit_price": line.unit_price.model_dump() if line.unit_price else None,
        "line_total": line.line_total.model_dump() if line.line_total else None,
    }


async def _buyer(
    session: AsyncSession, order_id: uuid.UUID, buyer_id: uuid.UUID | None
) -> uuid.UUID:
    if buyer_id is not None:
        return buyer_id
    known = await refs.order(session, order_id)
    if known is None:
        raise RecipientUnknown(f"the buyer of order {order_id} is not known yet")
    return known.buyer_id


async def _order_number(session: AsyncSession, order_id: uuid.UUID, given: str | None) -> str:
    if given:
        return given
    known = await refs.order(session, order_id)
    if known is not None and known.order_number:
        return known.order_number
    return _short(order_id)


# The events whose story is told to the order's buyer.
BuyerEvent = (
    OrderConfirmed | PaymentFailed | OrderShipped | OrderDelivered | OrderCancelled | OrderRefunded
)


async def _tell_buyer(
    ctx: NotificationContext,
    session: AsyncSession,
    p: BuyerEvent,
    event: CloudEvent,
    kind: str,
    *,
    dedupe_key: str,
    context: dict[str, Any],
) -> None:
    """Tell the buyer (the event's, or the one learned) ``kind`` about their order, with
    its number (the event's, the one learned, or the start of its id) and a link to it."""
    buyer_id = await _buyer(session, p.order_id, p.buyer_id)
    # A cancellation names no number: the one learned from the order's other events.
    given = None if isinstance(p, OrderCancelled) else p.order_number
    number = await _order_number(session, p.order_id, given)
    order_url = ctx.frontend(f"/orders/{p.order_id}")
    story = Story(
        user_id=buyer_id,
        kind=kind,
        dedupe_key=dedupe_key,
        context={"order_number": number, "order_url": order_url, **context},
        link=order_url,
        data={"order_id": str(p.order_id), "order_number": number},
    )
    await tell(ctx, session, story, event_id=event.id)


async def order_placed(
    ctx: NotificationContext, session: AsyncSession, p: OrderPlaced, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, None, ctx.now())


async def order_confirmed(
    ctx: NotificationContext, session: AsyncSession, p: OrderConfirmed, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, p.order_number, ctx.now())
    address = p.shipping_address
    address_lines = []
    if address is not None:
        city = " ".join(x for x in (address.postal_code, address.city) if x)
        address_lines = [
            x for x in (address.line1, address.line2, city, address.region, address.country) if x
        ]
    money = {
        name: value.model_dump() if value is not None else None
        for name, value in (
            ("subtotal", p.subtotal),
            ("shipping", p.shipping),
            ("discount", p.discount),
            ("tax", p.tax),
            ("total", p.total),
        )
    }
    key = f"order_confirmed:{p.order_id}"
    context = {
        "lines": [_line(line) for line in p.lines],
        **money,
        "tax_included": p.tax_included,
        "confirmed_at": _iso(p.confirmed_at),
        "payment_method": p.payment_method,
        "shipping_address": address.model_dump() if address else None,
        "address_lines": address_lines,
    }
    await _tell_buyer(ctx, session, p, event, "order_confirmed", dedupe_key=key, context=context)


async def payment_failed(
    ctx: NotificationContext, session: AsyncSession, p: PaymentFailed, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, p.order_number, ctx.now())
    key = f"payment_failed:{event.id}"
    context = {"reason": p.reason, "amount": p.amount.model_dump() if p.amount else None}
    await _tell_buyer(ctx, session, p, event, "payment_failed", dedupe_key=key, context=context)


async def order_shipped(
    ctx: NotificationContext, session: AsyncSession, p: OrderShipped, event: CloudEvent
) -> None:
    await refs.learn_order(session, p.order_id, p.buyer_id, p.order_number, ctx.now())
    store = await refs.vendor(session, p.vendor_id) if p.vendor_id else None
    parcel = p.sub_order_id or p.vendor_id or ""
    key = f"order_shipped:{p.order_id}:{parcel}:{p.tracking_number}"
    context = {
        "carrier": p.carrier,
        "tracking_number": p.tracking_number,
        "tracking_url": p.tracking_url,
        "vendor_name": store.name if store else None,
        "lines": [_line(line) for line in p.lines],
        "shipped_at": _iso(p.shipped_at),
    }
    await _tell_buyer(ctx, session, p, event, "order_shipped", dedupe_key=key, context=context)


async def order_delivered(
    ctx: NotificationContext, session: AsyncSession, p: OrderDelivered, event: CloudEvent
) -> None:
    parcel = p.sub_order_id or p.vendor_id or ""
    key = f"order_delivered:{p.order_id}:{parcel}"
    context = {"delivered_at": _iso(p.delivered_at)}
    await _tell_buyer(ctx, session, p, event, "order_delivered", dedupe_key=key, context=context)


async def order_cancelled(
    ctx: NotificationContext, session: AsyncSession, p: OrderCancelled, event: CloudEvent
) -> None:
    key = f"order_cancelled:{p.order_id}"
    context = {"reason": p.reason, "cancelled_at": _iso(p.cancelled_at)}
    await _tell_buyer(ctx, session, p, event, "order_cancelled", dedupe_key=key, context=context)


async def order_refunded(
    ctx: NotificationContext, session: AsyncSession, p: OrderRefunded, event: CloudEvent
) -> None:
    key = f"order_refunded:{p.order_id}:{p.refund_id or event.id}"
    context = {
        "amount": p.amount.model_dump(),
        "total_refunded": p.total_refunded.model_dump() if p.total_refunded else None,
        "reason": p.reason,
        "refunded_at": _iso(p.refunded_at),
    }
    await _tell_buyer(ctx, session, p, event, "order_refunded", dedupe_key=key, context=context)
