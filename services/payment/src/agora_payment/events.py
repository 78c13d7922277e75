"""What the payment service publishes and the events it handles.

Publishes (payment topic, keyed by payment id): ``PaymentIntentCreated``,
``PaymentSucceeded``, ``PaymentFailed``, ``PaymentRefunded``; (payout topic)
``PayoutCreated`` when a held payout is paid, ``PayoutReversed``.

Handles the order service's saga requests: ``PaymentRequested`` (create the intent,
and confirm it when the buyer gave a payment method at checkout),
``RefundRequested`` (give money back), ``OrderCancelled`` (an unpaid payment can
no longer be confirmed), ``OrderShipped`` (hold the shipping vendor's share less the
platform fee) and ``OrderDelivered`` (pay it).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.order import OrderCancelled, OrderDelivered, OrderShipped
from agora_contracts.payment import PaymentRequested, RefundRequested
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.outbox import Outbox
from agora_payment.service import fraud, payments, payouts
from agora_payment.service.provider import PaymentProvider


def register_handlers(
    consumer: EventConsumer,
    outbox: Outbox | None = None,
    provider: PaymentProvider | None = None,
    *,
    fee_bps: int = 0,
    hold: timedelta = payouts.DEFAULT_HOLD,
    rules: fraud.Rules | None = None,
) -> None:
    if outbox is None or provider is None:
        return
    the_outbox, the_provider = outbox, provider

    @consumer.on(PaymentRequested)
    async def requested(session: AsyncSession, event: PaymentRequested, _: CloudEvent) -> None:
        await payments.create_for_order(session, the_outbox, the_provider, event, rules=rules)

    @consumer.on(RefundRequested)
    async def refund(session: AsyncSession, event: RefundRequested, _: CloudEvent) -> None:
        payment = await payments.by_order(session, event.order_id)
        if payment is None:
            return
        await payments.refund(
            session,
            the_outbox,
            the_provider,
            payment,
            amount=event.amount.amount,
            request_id=event.request_id,
            reason=event.reason,
            cap=True,
        )

    @consumer.on(OrderCancelled)
    async def cancelled(session: AsyncSession, event: OrderCancelled, _: CloudEvent) -> None:
        await payments.order_cancelled(session, event.order_id)

    @consumer.on(OrderShipped)
    async def shipped(session: AsyncSession, event: OrderShipped, _: CloudEvent) -> None:
        payment = await payments.by_order(session, event.order_id)
        if payment is None or payment.status != payments.SUCCEEDED:
            return
        release_at = (event.shipped_at or payouts.now()) + hold
        await payouts.hold(
            session, payment, fee_bps, release_at=release_at, vendor_id=event.vendor_id
        )
        if release_at <= payouts.now():  # no hold period configured
            await payouts.release(
                session, the_outbox, the_provider, payment, vendor_id=event.vendor_id
            )

    @consumer.on(OrderDelivered)
    async def delivered(session: AsyncSession, event: OrderDelivered, _: CloudEvent) -> None:
        payment = await payments.by_order(session, event.order_id)
        if payment is None or payment.status != payments.SUCCEEDED:
            return
        # Delivered is shipped too: hold first when the shipment was never heard of.
        await payouts.hold(
            session, payment, fee_bps, release_at=payouts.now(), vendor_id=event.vendor_id
        )
        await payouts.release(session, the_outbox, the_provider, payment, vendor_id=event.vendor_id)
