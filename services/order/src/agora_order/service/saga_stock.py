"""The saga's steps on the catalog's answers about stock: held (the order awaits
payment), refused, let go when the hold expired, or not sold after all (paid after the
hold expired). The moves themselves are ``saga``'s."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.order import PaymentRequested
from agora_kit.events.outbox import Outbox
from agora_order.models import AWAITING_PAYMENT, CONFIRMED, PENDING
from agora_order.repository import orders as order_repo
from agora_order.service import saga


async def stock_reserved(
    session: AsyncSession, outbox: Outbox, order_id: uuid.UUID, expires_at: datetime
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != PENDING:
        return
    order.stock_reserved = True
    order.reserved_until = expires_at
    await saga.move(session, order, AWAITING_PAYMENT, cause="inventory.reserved")
    subs = await order_repo.sub_orders_of(session, [order.id])
    # Each vendor is owed what the buyer paid for its part (ADR 0045): its discounted
    # goods and its own zone's shipping, less tax included in them (ADR 0113); with a
    # platform-funded discount, payment also learns the list prices.
    platform_funded = order.discount_funded_by == "platform" and order.discount_amount > 0
    await outbox.add(
        session,
        PaymentRequested(
            order_id=order.id,
            buyer_id=order.buyer_id,
            amount=saga.money(order, order.total_amount),
            payment_method=order.payment_method,
            vendor_amounts={str(sub.vendor_id): sub.payable_amount for sub in subs},
            vendor_list_amounts=(
                # What it would be owed undiscounted (list prices and own shipping).
                {str(sub.vendor_id): sub.payable_amount + sub.discount_amount for sub in subs}
                if platform_funded
                else {}
            ),
            order_number=order.number,
        ),
        key=str(order.id),
    )


async def stock_refused(
    session: AsyncSession, outbox: Outbox, order_id: uuid.UUID, reason: str
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != PENDING:
        return
    await saga.cancel(session, outbox, order, reason=reason, cause="inventory.reservation_failed")


async def reservation_expired(session: AsyncSession, outbox: Outbox, order_id: uuid.UUID) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != AWAITING_PAYMENT:
        return
    order.stock_reserved = False
    await saga.cancel(
        session,
        outbox,
        order,
        reason="The items were held for you too long without payment.",
        cause="inventory.released.expired",
    )


async def commit_failed(
    session: AsyncSession, outbox: Outbox, order_id: uuid.UUID, reason: str
) -> None:
    """The payment came after the stock hold had expired and the catalog could not
    sell the items any more: the order cannot be filled, so it is cancelled and the
    buyer refunded."""
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != CONFIRMED:
        return
    await saga.cancel(session, outbox, order, reason=reason, cause="inventory.commit_failed")
