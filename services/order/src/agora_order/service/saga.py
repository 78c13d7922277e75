"""The checkout saga: the moves allowed between the order's states (named in
``models``), every move made, the first included, and what each tells the other
services.

    (checkout) --start--> pending
    pending --InventoryReserved--> awaiting_payment --PaymentSucceeded--> confirmed
    pending --InventoryReservationFailed / buyer--> cancelled
    awaiting_payment --PaymentFailed / timeout / reservation expired / buyer--> cancelled
    confirmed --buyer (refund requested)--> cancelled --PaymentRefunded (all)--> refunded
    confirmed --InventoryCommitFailed (paid after the hold expired, sold out)--> cancelled
    confirmed --every sub-order shipped--> shipped --every sub-order delivered--> delivered

Every handler locks the order row, checks the move is allowed from the current
state, and otherwise does nothing: a duplicate, stale or out-of-order event finds
the order already past the state it expects and is ignored. Each move is logged in
``order_transitions`` with its cause.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts import order as contracts
from agora_contracts.catalog import Money
from agora_contracts.payment import PaymentRequested, RefundRequested
from agora_kit.events.outbox import Outbox
from agora_order.models import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    DELIVERED,
    PENDING,
    REFUNDED,
    SHIPPED,
    SUB_CANCELLED,
    SUB_PENDING,
    Order,
    OrderLine,
    OrderTransition,
    SubOrder,
)
from agora_order.repository import orders as order_repo
from agora_order.service import metrics

logger = logging.getLogger("agora.order.saga")

ALLOWED: dict[str, frozenset[str]] = {
    PENDING: frozenset({AWAITING_PAYMENT, CANCELLED}),
    AWAITING_PAYMENT: frozenset({CONFIRMED, CANCELLED}),
    CONFIRMED: frozenset({SHIPPED, CANCELLED, REFUNDED}),
    SHIPPED: frozenset({DELIVERED, REFUNDED}),
    DELIVERED: frozenset({REFUNDED}),
    CANCELLED: frozenset({REFUNDED}),
    REFUNDED: frozenset(),
}


def now() -> datetime:
    return datetime.now(UTC)


async def start(
    session: AsyncSession,
    outbox: Outbox,
    order: Order,
    parts: list[tuple[SubOrder, list[OrderLine]]],
    *,
    reservation_ttl_seconds: int,
) -> None:
    """The first move, from no state to ``pending``: the order checkout built, its
    sub-orders and their lines (``parts``) are written, the move is logged, and
    ``OrderPlaced`` asks the catalog to hold the stock for ``reservation_ttl_seconds``."""
    order.status = PENDING
    session.add(order)
    await session.flush()
    for sub, _ in parts:
        sub.status = SUB_PENDING
        session.add(sub)
    await session.flush()
    lines = sorted((line for _, lines in parts for line in lines), key=lambda line: line.position)
    session.add_all(lines)
    session.add(
        OrderTransition(order_id=order.id, from_status=None, to_status=PENDING, cause="checkout")
    )
    await session.flush()
    await outbox.add(
        session,
        contracts.OrderPlaced(
            order_id=order.id,
            buyer_id=order.buyer_id,
            lines=[contract_line(line, order.currency) for line in lines],
            placed_at=order.placed_at,
            reservation_ttl_seconds=reservation_ttl_seconds,
        ),
        key=str(order.id),
    )
    metrics.order_placed(session, order.currency)


async def move(
    session: AsyncSession, order: Order, to: str, *, cause: str, reason: str | None = None
) -> bool:
    """Move ``order`` to ``to`` if the state machine allows it; False (and nothing
    changed) otherwise."""
    if to not in ALLOWED[order.status]:
        logger.info(
            "order %s: ignoring %s (%s -> %s not allowed)", order.id, cause, order.status, to
        )
        return False
    session.add(
        OrderTransition(
            order_id=order.id, from_status=order.status, to_status=to, reason=reason, cause=cause
        )
    )
    order.status = to
    order.updated_at = now()
    if to == CONFIRMED:
        metrics.order_confirmed(session, order.currency, order.total_amount)
    if to == CANCELLED:
        order.cancel_reason = reason
        metrics.order_cancelled(session, cause)
        await _cancel_sub_orders(session, order.id)
    await session.flush()
    return True


async def _cancel_sub_orders(session: AsyncSession, order_id: uuid.UUID) -> None:
    for sub in await order_repo.sub_orders_of(session, [order_id]):
        if sub.status == SUB_PENDING:
            sub.status = SUB_CANCELLED


def money(order: Order, amount: int) -> Money:
    return Money(amount=amount, currency=order.currency)


def contract_line(line: OrderLine, currency: str) -> contracts.OrderLine:
    return contracts.OrderLine(
        sku=line.sku,
        quantity=line.quantity,
        vendor_id=line.vendor_id,
        product_id=line.product_id,
        title=line.title,
        unit_price=Money(amount=line.unit_amount, currency=currency),
        line_total=Money(amount=line.line_amount, currency=currency),
    )


def address(order: Order) -> contracts.ShippingAddress:
    return contracts.ShippingAddress.model_validate(order.shipping_address)


async def publish_cancelled(
    session: AsyncSession, outbox: Outbox, order: Order, reason: str
) -> None:
    """Tell the catalog to release the order's stock (a no-op when none is held) and
    the buyer why."""
    await outbox.add(
        session,
        contracts.OrderCancelled(
            order_id=order.id, reason=reason, cancelled_at=order.updated_at, buyer_id=order.buyer_id
        ),
        key=str(order.id),
    )


async def cancel(
    session: AsyncSession, outbox: Outbox, order: Order, *, reason: str, cause: str
) -> bool:
    """Cancel the order; when it was paid, ask for the money back as well."""
    if not await move(session, order, CANCELLED, cause=cause, reason=reason):
        return False
    await publish_cancelled(session, outbox, order, reason)
    if order.paid:
        await request_refund(
            session, outbox, order, order.total_amount - order.refunded_amount, reason
        )
    return True


async def request_refund(
    session: AsyncSession, outbox: Outbox, order: Order, amount: int, reason: str
) -> None:
    if amount <= 0:
        return
    await outbox.add(
        session,
        RefundRequested(
            order_id=order.id,
            buyer_id=order.buyer_id,
            payment_id=order.payment_id,
            amount=money(order, amount),
            request_id=uuid.uuid4(),
            reason=reason,
        ),
        key=str(order.id),
    )


# --- Steps driven by other services' events.


async def stock_reserved(
    session: AsyncSession, outbox: Outbox, order_id: uuid.UUID, expires_at: datetime
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != PENDING:
        return
    order.stock_reserved = True
    order.reserved_until = expires_at
    await move(session, order, AWAITING_PAYMENT, cause="inventory.reserved")
    subs = await order_repo.sub_orders_of(session, [order.id])
    # Each vendor is owed what the buyer paid for its part (ADR 0045); with a
    # platform-funded discount, payment also learns the list prices.
    platform_funded = order.discount_funded_by == "platform" and order.discount_amount > 0
    await outbox.add(
        session,
        PaymentRequested(
            order_id=order.id,
            buyer_id=order.buyer_id,
            amount=money(order, order.total_amount),
            payment_method=order.payment_method,
            vendor_amounts={
                str(sub.vendor_id): sub.subtotal_amount - sub.discount_amount for sub in subs
            },
            vendor_list_amounts=(
                {str(sub.vendor_id): sub.subtotal_amount for sub in subs} if platform_funded else {}
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
    await cancel(session, outbox, order, reason=reason, cause="inventory.reservation_failed")


async def reservation_expired(session: AsyncSession, outbox: Outbox, order_id: uuid.UUID) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != AWAITING_PAYMENT:
        return
    order.stock_reserved = False
    await cancel(
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
    await cancel(session, outbox, order, reason=reason, cause="inventory.commit_failed")


async def intent_created(
    session: AsyncSession, order_id: uuid.UUID, payment_id: uuid.UUID, client_secret: str
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != AWAITING_PAYMENT or order.payment_id is not None:
        return
    order.payment_id = payment_id
    order.client_secret = client_secret
    order.updated_at = now()
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
        await request_refund(
            session, outbox, order, amount, "The order was cancelled before the payment arrived."
        )
        return
    await move(session, order, CONFIRMED, cause="payment.succeeded")
    lines = await order_repo.lines_of(session, [order.id])
    await outbox.add(
        session,
        contracts.OrderConfirmed(
            order_id=order.id,
            buyer_id=order.buyer_id,
            lines=[contract_line(line, order.currency) for line in lines],
            confirmed_at=order.updated_at,
            order_number=order.number,
            subtotal=money(order, order.subtotal_amount),
            shipping=money(order, order.shipping_amount),
            discount=money(order, order.discount_amount),
            tax=money(order, order.tax_amount),
            total=money(order, order.total_amount),
            shipping_address=address(order),
            payment_method=payment_method or order.payment_method,
        ),
        key=str(order.id),
    )


async def payment_failed(
    session: AsyncSession, outbox: Outbox, order_id: uuid.UUID, reason: str
) -> None:
    order = await order_repo.locked(session, order_id)
    if order is None or order.status != AWAITING_PAYMENT or order.paid:
        return
    await cancel(session, outbox, order, reason=reason, cause="payment.failed")


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
    order.updated_at = now()
    if order.refunded_amount >= order.total_amount and order.status != REFUNDED:
        was = order.status
        moved = await move(session, order, REFUNDED, cause="payment.refunded", reason=reason)
        if moved and was == CONFIRMED:
            # Refunded in full before shipment: the stock goes back on sale.
            await publish_cancelled(session, outbox, order, reason or "The order was refunded.")
    await session.flush()
    await outbox.add(
        session,
        contracts.OrderRefunded(
            order_id=order.id,
            buyer_id=order.buyer_id,
            amount=money(order, amount),
            total_refunded=money(order, order.refunded_amount),
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
    cutoff = now() - after
    ids = await order_repo.unpaid_placed_before(session, cutoff, limit=100)
    count = 0
    for order_id in ids:
        order = await order_repo.locked(session, order_id)
        if order is None or order.paid or order.status not in (PENDING, AWAITING_PAYMENT):
            continue
        if await cancel(
            session, outbox, order, reason="The payment did not arrive in time.", cause="timeout"
        ):
            count += 1
    return count
