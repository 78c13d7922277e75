"""What the order service publishes and the events it handles.

Publishes (order topic, keyed by order id): ``OrderPlaced``, ``OrderCancelled``,
``OrderConfirmed``, ``OrderRefunded``, and the saga's requests of the payment
service ``PaymentRequested`` and ``RefundRequested``.

Handles: the catalog's product snapshots and stock levels (the SKU read model), its
reservation outcomes, the payment service's payment events (the saga) and its payout
events (the vendor's dashboard, ADR 0098), and the user service's ``UserDeleted`` (the
buyer's orders anonymised, ADR 0112).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import (
    InventoryCommitFailed,
    InventoryReleased,
    InventoryReservationFailed,
    InventoryReserved,
    ProductDeleted,
    ProductPublished,
    ProductUnpublished,
    ProductUpdated,
    StockChanged,
    VendorApplied,
    VendorApproved,
    VendorSuspended,
    VendorUpdated,
)
from agora_contracts.events import EventPayload
from agora_contracts.payment import (
    PaymentFailed,
    PaymentIntentCreated,
    PaymentRefunded,
    PaymentSucceeded,
    PayoutCreated,
    PayoutReversed,
)
from agora_contracts.user import UserDeleted
from agora_kit.app import EventHandler
from agora_kit.events.envelope import CloudEvent
from agora_order.service import (
    personal,
    readmodel,
    returns,
    saga_payment,
    saga_stock,
    stats,
    vendors,
)
from agora_order.service.context import OrderContext


def shortage_reason(event: InventoryReservationFailed | InventoryCommitFailed) -> str:
    parts = [
        f"{line.sku} (wanted {line.requested}, {line.available} left)" for line in event.lines_short
    ]
    return "Not enough stock: " + ", ".join(parts) + "."


# The SKU read model: the catalog's product snapshots, stock levels and vendors.


async def snapshot(
    context: OrderContext,
    session: AsyncSession,
    event: ProductPublished | ProductUpdated,
    envelope: CloudEvent,
) -> None:
    await readmodel.apply_snapshot(session, event, envelope.time)


async def withdrawn(
    context: OrderContext,
    session: AsyncSession,
    event: ProductUnpublished | ProductDeleted,
    envelope: CloudEvent,
) -> None:
    await readmodel.withdraw(session, event.skus, envelope.time)


async def stock(
    context: OrderContext, session: AsyncSession, event: StockChanged, envelope: CloudEvent
) -> None:
    await readmodel.apply_stock(session, event, envelope.time)


async def vendor(
    context: OrderContext,
    session: AsyncSession,
    event: VendorApplied | VendorApproved | VendorSuspended | VendorUpdated,
    _: CloudEvent,
) -> None:
    if isinstance(event, VendorUpdated):
        active = event.status != "suspended"
    else:
        active = not isinstance(event, VendorSuspended)
    await vendors.remember(session, event.vendor_id, event.owner_id, event.name, active=active)


# The saga: the catalog's reservation outcomes and the payment service's payments.


async def reserved(
    context: OrderContext, session: AsyncSession, event: InventoryReserved, _: CloudEvent
) -> None:
    await saga_stock.stock_reserved(session, context.outbox, event.order_id, event.expires_at)


async def refused(
    context: OrderContext, session: AsyncSession, event: InventoryReservationFailed, _: CloudEvent
) -> None:
    await saga_stock.stock_refused(session, context.outbox, event.order_id, shortage_reason(event))


async def unsellable(
    context: OrderContext, session: AsyncSession, event: InventoryCommitFailed, _: CloudEvent
) -> None:
    await saga_stock.commit_failed(
        session,
        context.outbox,
        event.order_id,
        "Sold out before the payment arrived: " + shortage_reason(event),
    )


async def released(
    context: OrderContext, session: AsyncSession, event: InventoryReleased, _: CloudEvent
) -> None:
    if event.reason == "expired":
        await saga_stock.reservation_expired(session, context.outbox, event.order_id)


async def intent(
    context: OrderContext, session: AsyncSession, event: PaymentIntentCreated, _: CloudEvent
) -> None:
    await saga_payment.intent_created(
        session, event.order_id, event.payment_id, event.client_secret
    )


async def paid(
    context: OrderContext, session: AsyncSession, event: PaymentSucceeded, _: CloudEvent
) -> None:
    await saga_payment.payment_succeeded(
        session,
        context.outbox,
        event.order_id,
        payment_id=event.payment_id,
        amount=event.amount.amount,
        payment_method=event.payment_method,
    )


async def failed(
    context: OrderContext, session: AsyncSession, event: PaymentFailed, _: CloudEvent
) -> None:
    await saga_payment.payment_failed(session, context.outbox, event.order_id, event.reason)


async def refunded(
    context: OrderContext, session: AsyncSession, event: PaymentRefunded, _: CloudEvent
) -> None:
    await saga_payment.refunded(
        session,
        context.outbox,
        event.order_id,
        amount=event.amount.amount,
        total_refunded=event.total_refunded.amount if event.total_refunded else None,
        refund_id=event.refund_id,
        reason=event.reason,
    )
    if event.request_id is not None:
        await returns.refunded(
            session, context.outbox, event.request_id, event.refund_id, event.amount.amount
        )


async def payout(
    _: OrderContext, session: AsyncSession, event: PayoutCreated, __: CloudEvent
) -> None:
    await stats.payout_created(
        session,
        event.payout_id,
        event.order_id,
        event.vendor_id,
        fee=event.fee.amount,
        amount=event.amount.amount,
        currency=event.amount.currency,
    )


async def payout_reversed(
    _: OrderContext, session: AsyncSession, event: PayoutReversed, __: CloudEvent
) -> None:
    await stats.payout_reversed(
        session,
        event.payout_id,
        event.order_id,
        event.vendor_id,
        total_reversed=event.total_reversed.amount,
        currency=event.total_reversed.currency,
    )


async def user_deleted(
    context: OrderContext, session: AsyncSession, event: UserDeleted, _: CloudEvent
) -> None:
    await personal.erase(session, context.outbox, event.user_id)


HANDLED: dict[type[EventPayload], EventHandler[OrderContext]] = {
    ProductPublished: snapshot,
    ProductUpdated: snapshot,
    ProductUnpublished: withdrawn,
    ProductDeleted: withdrawn,
    StockChanged: stock,
    VendorApplied: vendor,
    VendorApproved: vendor,
    VendorSuspended: vendor,
    VendorUpdated: vendor,
    InventoryReserved: reserved,
    InventoryReservationFailed: refused,
    InventoryCommitFailed: unsellable,
    InventoryReleased: released,
    PaymentIntentCreated: intent,
    PaymentSucceeded: paid,
    PaymentFailed: failed,
    PaymentRefunded: refunded,
    PayoutCreated: payout,
    PayoutReversed: payout_reversed,
    UserDeleted: user_deleted,
}
