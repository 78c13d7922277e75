"""Payments: an intent per order, the buyer's confirmation, refunds.

Statuses: ``requires_payment_method`` -> ``succeeded`` | ``failed`` |
``requires_action`` (then confirmed again) | ``processing`` (the provider has not
decided yet: its webhook will); ``canceled`` when the order is cancelled before
payment. Each handler and route locks the payment row, so a duplicate delivery or a
double click does the work once.

The provider's word is final whenever it comes: a success reported for a payment
already canceled (the order timed out while the charge was in flight) is recorded
as a charge and published, so the order service asks for the money back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.common import Money
from agora_contracts.order import PaymentRequested
from agora_contracts.payment import (
    PaymentFailed,
    PaymentIntentCreated,
    PaymentRefunded,
    PaymentSucceeded,
)
from agora_kit import audit
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams
from agora_payment.adapters.provider import Confirmation, PaymentProvider
from agora_payment.models import Payment, Refund
from agora_payment.repository import payments as payment_rows
from agora_payment.repository import refunds as refund_rows
from agora_payment.service import fraud, ledger, metrics, payouts
from agora_payment.service.errors import NotConfirmable, NotRefundable, OverRefund

REQUIRES_PAYMENT_METHOD = "requires_payment_method"
REQUIRES_ACTION = "requires_action"
PROCESSING = "processing"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELED = "canceled"
STATUSES = (REQUIRES_PAYMENT_METHOD, REQUIRES_ACTION, PROCESSING, SUCCEEDED, FAILED, CANCELED)
CONFIRMABLE = (REQUIRES_PAYMENT_METHOD, REQUIRES_ACTION)
# Not decided yet: a confirm call or a webhook may still settle these.
UNSETTLED = (*CONFIRMABLE, PROCESSING)


def now() -> datetime:
    return datetime.now(UTC)


def money(payment: Payment, amount: int) -> Money:
    return Money(amount=amount, currency=payment.currency)


async def locked(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    """The payment, locked until the transaction ends."""
    return await payment_rows.locked(session, payment_id)


async def by_order(session: AsyncSession, order_id: uuid.UUID) -> Payment | None:
    """The order's payment, locked until the transaction ends."""
    return await payment_rows.by_order(session, order_id)


async def of_buyer(
    session: AsyncSession, buyer_id: uuid.UUID, order_id: uuid.UUID | None = None
) -> Sequence[Payment]:
    """The buyer's own payments, newest first, at most 100 (of one order with
    ``order_id``)."""
    return await payment_rows.of_buyer(session, buyer_id, order_id=order_id, limit=100)


async def every_page(
    session: AsyncSession,
    params: PageParams,
    *,
    order_id: uuid.UUID | None = None,
    order_number: str | None = None,
    status: str | None = None,
) -> Page[Payment]:
    """Any buyer's payments for an admin, newest first, by order or status."""
    return await payment_rows.page(
        session, params, order_id=order_id, order_number=order_number, status=status
    )


async def create_for_order(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    request: PaymentRequested,
    *,
    rules: fraud.Rules | None = None,
) -> Payment:
    """One intent per order, however often the request is delivered. With the payment
    method the buyer gave at checkout, the intent is confirmed right away (as Stripe's
    ``confirm=true`` does), in the same transaction, under the same fraud rules as the
    confirm route."""
    existing = await by_order(session, request.order_id)
    if existing is not None:
        return existing
    intent = await provider.create_intent(
        amount=request.amount.amount,
        currency=request.amount.currency,
        idempotency_key=f"order-{request.order_id}",
        metadata={"order_id": str(request.order_id)},
    )
    payment = Payment(
        id=uuid.uuid4(),
        order_id=request.order_id,
        buyer_id=request.buyer_id,
        order_number=request.order_number,
        amount=request.amount.amount,
        currency=request.amount.currency,
        status=REQUIRES_PAYMENT_METHOD,
        provider=provider.name,
        provider_intent_id=intent.id,
        client_secret=intent.client_secret,
        refunded_amount=0,
        vendor_amounts=dict(request.vendor_amounts),
        vendor_list_amounts=dict(request.vendor_list_amounts),
    )
    session.add(payment)
    await session.flush()
    await outbox.add(
        session,
        PaymentIntentCreated(
            payment_id=payment.id,
            order_id=payment.order_id,
            buyer_id=payment.buyer_id,
            amount=money(payment, payment.amount),
            client_secret=intent.client_secret,
            provider=provider.name,
            created_at=now(),
        ),
        key=str(payment.id),
    )
    if request.payment_method:
        # Derived from the order alone, so a redelivery after a crash between the
        # provider's answer and our commit asks again with the same key, and the
        # provider charges once.
        await confirm(
            session,
            outbox,
            provider,
            payment,
            request.payment_method,
            rules=rules,
            idempotency_key=f"order-{request.order_id}-confirm",
        )
    return payment


async def own(session: AsyncSession, buyer_id: uuid.UUID, payment_id: uuid.UUID) -> Payment:
    payment = await locked(session, payment_id)
    if payment is None or payment.buyer_id != buyer_id:
        raise NotFound(f"No payment {payment_id}.")
    return payment


@dataclass(frozen=True, slots=True)
class Outcome:
    payment: Payment
    declined_message: str | None = None


async def confirm(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    payment: Payment,
    payment_method: str,
    *,
    rules: fraud.Rules | None = None,
    idempotency_key: str | None = None,
) -> Outcome:
    if payment.status in (SUCCEEDED, PROCESSING):
        return Outcome(payment)  # a double click, or a charge in flight
    if payment.status not in CONFIRMABLE:
        raise NotConfirmable(f"This payment is {payment.status}.")
    if rules is not None:
        refusal = await fraud.screen(session, payment, rules)
        if refusal is not None:
            payment.payment_method = payment_method
            return await apply(session, outbox, payment, refusal)
    attempt = (
        idempotency_key or f"confirm-{payment.id}-{payment_method}-{payment.updated_at.timestamp()}"
    )
    try:
        result = await provider.confirm(
            payment.provider_intent_id, payment_method=payment_method, idempotency_key=attempt
        )
    except Exception:
        metrics.provider_error(session, payment.provider)
        raise
    payment.payment_method = payment_method
    return await apply(session, outbox, payment, result)


async def apply(
    session: AsyncSession, outbox: Outbox, payment: Payment, result: Confirmation
) -> Outcome:
    """Record what the provider says of the payment (from a confirm call or a webhook);
    a payment already succeeded or failed stays as it is, and a canceled one changes
    only if the provider says it was charged after all."""
    if payment.status not in UNSETTLED and not (
        payment.status == CANCELED and result.status == "succeeded"
    ):
        return Outcome(payment)
    payment.updated_at = now()
    metrics.attempt(session, payment.provider, result)
    if result.status == "succeeded":
        payment.status = SUCCEEDED
        await session.flush()
        await ledger.charge(session, payment)
        await outbox.add(
            session,
            PaymentSucceeded(
                payment_id=payment.id,
                order_id=payment.order_id,
                buyer_id=payment.buyer_id,
                amount=money(payment, payment.amount),
                payment_method=result.card_label,
                succeeded_at=payment.updated_at,
            ),
            key=str(payment.id),
        )
        return Outcome(payment)
    if result.status in ("requires_action", "processing"):
        payment.status = REQUIRES_ACTION if result.status == "requires_action" else PROCESSING
        await session.flush()
        return Outcome(payment)
    payment.status = FAILED
    payment.failure_code = result.failure_code
    await session.flush()
    message = result.failure_message or "The payment failed."
    await outbox.add(
        session,
        PaymentFailed(
            payment_id=payment.id,
            order_id=payment.order_id,
            buyer_id=payment.buyer_id,
            reason=message,
            failure_code=result.failure_code,
            amount=money(payment, payment.amount),
            failed_at=payment.updated_at,
            order_number=payment.order_number,
        ),
        key=str(payment.id),
    )
    return Outcome(payment, declined_message=message)


async def order_cancelled(session: AsyncSession, order_id: uuid.UUID) -> None:
    """An unpaid payment of a cancelled order can no longer be confirmed. (A paid one
    is refunded when the order service asks, with ``RefundRequested``.)"""
    payment = await by_order(session, order_id)
    if payment is not None and payment.status in UNSETTLED:
        payment.status = CANCELED
        payment.updated_at = now()
        await session.flush()


async def refund(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    payment: Payment,
    *,
    amount: int | None,
    request_id: uuid.UUID,
    reason: str | None,
    cap: bool = False,
) -> Refund | None:
    """Refund ``amount`` (all that is left when None). Over-refunding is a 409, or,
    with ``cap`` (an event, which cannot be answered 409), refunds what is left.
    Vendors give back their shares (``payouts.reverse_for_refund``: a held payout is
    reduced, a paid one reversed).
    Returns None when there is nothing to do (a repeated request, nothing left)."""
    if await refund_rows.by_request(session, request_id) is not None:
        return None
    if payment.status != SUCCEEDED:
        if cap:
            return None
        raise NotRefundable(f"This payment is {payment.status}.")
    left = payment.amount - payment.refunded_amount
    wanted = left if amount is None else amount
    if wanted > left:
        if not cap:
            raise OverRefund(f"Only {left} is left to refund on this payment.")
        wanted = left
    if wanted <= 0:
        if cap:
            return None
        raise OverRefund("Nothing is left to refund on this payment.")
    made = await provider.refund(
        payment.provider_intent_id, amount=wanted, idempotency_key=f"refund-{request_id}"
    )
    row = Refund(
        id=uuid.uuid4(),
        payment_id=payment.id,
        request_id=request_id,
        amount=wanted,
        provider_refund_id=made.id,
        reason=reason,
    )
    session.add(row)
    metrics.refunded(session, payment.provider, payment.currency)
    before = {"refunded_amount": payment.refunded_amount}
    payment.refunded_amount += wanted
    payment.updated_at = now()
    await session.flush()
    await ledger.refund(session, payment, wanted)
    await outbox.add(
        session,
        PaymentRefunded(
            payment_id=payment.id,
            order_id=payment.order_id,
            buyer_id=payment.buyer_id,
            amount=money(payment, wanted),
            refund_id=row.id,
            reason=reason,
            refunded_at=payment.updated_at,
            total_refunded=money(payment, payment.refunded_amount),
            request_id=request_id,
        ),
        key=str(payment.id),
    )
    await payouts.reverse_for_refund(session, outbox, provider, payment)
    await audit.record(
        session,
        outbox,
        action="payment.refund",
        resource_type="payment",
        resource_id=payment.id,
        before=before,
        after={"refunded_amount": payment.refunded_amount, "refund_id": row.id, "reason": reason},
    )
    return row
