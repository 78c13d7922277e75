"""The saga's steps on the payment service's events (intent created, paid, failed,
refunded) and on its silence: the unpaid orders past their timeout. The moves
themselves are ``saga``'s."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts import order as contracts
from agora_kit.events.outbox import Outbox
from agora_order.models import AWAITING_PAYMENT, CONFIRMED, REFUNDED, UNPAID
from agora_order.repository import orders as order_repo
from agora_order.service import saga

logger = logging.getLogger("agora.order.saga")


async def intent_created(
    session: AsyncSession, order_id: uuid.UUID, payment_id: uuid.UUID, client_secret: str
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != AWAITING_PAYMENT or order.payment_id is not None:
        return
    order.payment_id = payment_id
    order.client_secret = client_secret
    order.updated_at = saga.now()
    await session.flush()


async def payment_succeeded(
    session: AsyncSession,
    outbox: Outbox,
    order_id: uuid.UUID,
    *,
    payment_id: uuid.UUID,
    amount: int,
    payment_method: str | None,
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.paid:
        return
    order.paid = True
    order.payment_id = order.payment_id or payment_id
    if order.status != AWAITING_PAYMENT:
        # Paid for an order that no longer goes ahead (timed out, cancelled): the
        # money must go back.
        logger.warning("order %s paid while %s: refunding", order.id, order.status)
        await saga.request_refund(
            session, outbox, order, amount, "The order was cancelled before the payment arrived."
        )
        return
    await saga.move(session, order, CONFIRMED, cause="payment.succeeded")
    lines = await order_repo.lines_of(session, [order.id])
    await outbox.add(
        session,
        contracts.OrderConfirmed(
            order_id=order.id,
            buyer_id=order.buyer_id,
            lines=[saga.contract_line(line, order.currency) for line in lines],
            confirmed_at=order.updated_at,
            order_number=order.number,
            subtotal=saga.money(order, order.subtotal_amount),
            shipping=saga.money(order, order.shipping_amount),
            discount=saga.money(order, order.discount_amount),
            tax=saga.money(order, order.tax_amount),
            total=saga.money(order, order.total_amount),
            shipping_address=saga.address(order),
            payment_method=payment_method or order.payment_method,
            tax_included=order.tax_included,
        ),
        key=str(order.id),
    )


async def payment_failed(
    session: AsyncSession, outbox: Outbox, order_id: uuid.UUID, reason: str
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != AWAITING_PAYMENT or order.paid:
        return
    await saga.cancel(session, outbox, order, reason=reason, cause="payment.failed")


async def refunded(
    session: AsyncSession,
    outbox: Outbox,
    order_id: uuid.UUID,
    *,
    amount: int,
    total_refunded: int | None,
    refund_id: uuid.UUID | None,
    reason: str | None,
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None:
        return
    so_far = total_refunded if total_refunded is not None else order.refunded_amount + amount
    if so_far <= order.refunded_amount:
        return  # an older refund event arriving late
    order.refunded_amount = min(so_far, order.total_amount)
    order.updated_at = saga.now()
    if order.refunded_amount >= order.total_amount and order.status != REFUNDED:
        was = order.status
        moved = await saga.move(session, order, REFUNDED, cause="payment.refunded", reason=reason)
        if moved and was == CONFIRMED:
            # Refunded in full before shipment: the stock goes back on sale.
            await saga.publish_cancelled(
                session, outbox, order, reason or "The order was refunded."
            )
    await session.flush()
    await outbox.add(
        session,
        contracts.OrderRefunded(
            order_id=order.id,
            buyer_id=order.buyer_id,
            amount=saga.money(order, amount),
            total_refunded=saga.money(order, order.refunded_amount),
            refund_id=refund_id,
            reason=reason,
            refunded_at=order.updated_at,
            order_number=order.number,
            fully_refunded=order.refunded_amount >= order.total_amount,
        ),
        key=str(order.id),
    )


async def time_out_unpaid(session: AsyncSession, outbox: Outbox, after: timedelta) -> int:
    """Cancel orders unpaid ``after`` they were placed; returns how many."""
    cutoff = saga.now() - after
    ids = await order_repo.unpaid_placed_before(session, cutoff, limit=100)
    count = 0
    for order_id in ids:
        order = await order_repo.locked(session, order_id)
        if order is None or order.paid or order.status not in UNPAID:
            continue
        if await saga.cancel(
            session, outbox, order, reason="The payment did not arrive in time.", cause="timeout"
        ):
            count += 1
    return count
