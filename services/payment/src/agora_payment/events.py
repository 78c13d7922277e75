"""What the payment service publishes and the events it handles.

Publishes (payment topic, keyed by payment id): ``PaymentIntentCreated``,
``PaymentSucceeded``, ``PaymentFailed``, ``PaymentRefunded``; (payout topic)
``PayoutCreated`` when a held payout is paid, ``PayoutReversed``; (connect account
topic, keyed by store) ``ConnectAccountUpdated`` (ADR 0104).

Handles the order service's saga requests: ``PaymentRequested`` (create the intent,
and confirm it when the buyer gave a payment method at checkout),
``RefundRequested`` (give money back), ``OrderCancelled`` (an unpaid payment can
no longer be confirmed), ``OrderShipped`` (hold the shipping vendor's share less the
platform fee) and ``OrderDelivered`` (pay it); and the catalog's vendor events,
to know which user owns which store (a vendor's own payouts, ADR 0098); and the user
service's ``UserDeleted`` (the buyer's payments anonymised, ADR 0112).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import VendorApplied, VendorApproved, VendorSuspended, VendorUpdated
from agora_contracts.events import EventPayload
from agora_contracts.order import (
    OrderCancelled,
    OrderDelivered,
    OrderShipped,
    PaymentRequested,
    RefundRequested,
)
from agora_contracts.user import UserDeleted
from agora_kit.app import EventHandler
from agora_kit.events.envelope import CloudEvent
from agora_payment.service import payments, payouts, personal, vendors
from agora_payment.service.context import PaymentContext


async def requested(
    context: PaymentContext, session: AsyncSession, event: PaymentRequested, _: CloudEvent
) -> None:
    await payments.create_for_order(
        session, context.outbox, context.provider, event, rules=context.rules
    )


async def refund(
    context: PaymentContext, session: AsyncSession, event: RefundRequested, _: CloudEvent
) -> None:
    payment = await payments.by_order(session, event.order_id)
    if payment is None:
        return
    await payments.refund(
        session,
        context.outbox,
        context.provider,
        payment,
        amount=event.amount.amount,
        request_id=event.request_id,
        reason=event.reason,
        cap=True,
    )


async def cancelled(
    context: PaymentContext, session: AsyncSession, event: OrderCancelled, _: CloudEvent
) -> None:
    await payments.order_cancelled(session, event.order_id)


async def shipped(
    context: PaymentContext, session: AsyncSession, event: OrderShipped, _: CloudEvent
) -> None:
    payment = await payments.by_order(session, event.order_id)
    if payment is None or payment.status != payments.SUCCEEDED:
        return
    release_at = (event.shipped_at or payouts.now()) + context.hold
    await payouts.hold(
        session, payment, context.fee_bps, release_at=release_at, vendor_id=event.vendor_id
    )
    if release_at <= payouts.now():  # no hold period configured
        await payouts.release(
            session, context.outbox, context.provider, payment, vendor_id=event.vendor_id
        )


async def delivered(
    context: PaymentContext, session: AsyncSession, event: OrderDelivered, _: CloudEvent
) -> None:
    payment = await payments.by_order(session, event.order_id)
    if payment is None or payment.status != payments.SUCCEEDED:
        return
    # Delivered is shipped too: hold first when the shipment was never heard of.
    await payouts.hold(
        session, payment, context.fee_bps, release_at=payouts.now(), vendor_id=event.vendor_id
    )
    await payouts.release(
        session, context.outbox, context.provider, payment, vendor_id=event.vendor_id
    )


async def vendor(
    _: PaymentContext,
    session: AsyncSession,
    event: VendorApplied | VendorApproved | VendorSuspended | VendorUpdated,
    __: CloudEvent,
) -> None:
    """Which user owns the store: all a vendor's own payouts need of it."""
    await vendors.remember(session, event.vendor_id, event.owner_id)


async def user_deleted(
    _: PaymentContext, session: AsyncSession, event: UserDeleted, __: CloudEvent
) -> None:
    await personal.erase(session, event.user_id)


HANDLED: dict[type[EventPayload], EventHandler[PaymentContext]] = {
    PaymentRequested: requested,
    RefundRequested: refund,
    OrderCancelled: cancelled,
    OrderShipped: shipped,
    OrderDelivered: delivered,
    VendorApplied: vendor,
    VendorApproved: vendor,
    VendorSuspended: vendor,
    VendorUpdated: vendor,
    UserDeleted: user_deleted,
}
