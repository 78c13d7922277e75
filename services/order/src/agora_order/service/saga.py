"""The checkout saga: the moves allowed between the order's states (named in
``models``), the moves themselves, the first included (``start``), and what each
tells the other services. Its steps on other services' events are by phase in
``saga_stock`` (the catalog's answers about stock) and ``saga_payment`` (the payment
service's events and the payment timeout); the vendors' shipping is ``vendors``.

    (checkout) --start--> pending
    pending --InventoryReserved--> awaiting_payment --PaymentSucceeded--> confirmed
    pending --InventoryReservationFailed / buyer--> cancelled
    awaiting_payment --PaymentFailed / timeout / reservation expired / buyer--> cancelled
    confirmed --buyer (refund requested)--> cancelled --PaymentRefunded (all)--> refunded
    confirmed --InventoryCommitFailed (paid after the hold expired, sold out)--> cancelled
    confirmed --every sub-order shipped--> shipped --every sub-order delivered--> delivered

Every step locks the order row, checks the move is allowed from the current
state, and otherwise does nothing: a duplicate, stale or out-of-order event finds
the order already past the state it expects and is ignored. Each move is logged in
``order_transitions`` with its cause.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts import order as contracts
from agora_contracts.common import Money
from agora_contracts.order import RefundRequested
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


def address(order: Order) -> contracts.ShippingAddress | None:
    """Where the order goes; None once its buyer was erased (ADR 0112)."""
    if order.shipping_address is None:
        return None
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
