"""Vendor payouts: when a vendor ships its part of a paid (confirmed) order, its share
of the payment, less the platform fee (basis points, rounded half up), is transferred
to the vendor's connected account. Once per payment and vendor, however often the
event is delivered.

Paying on shipment rather than on confirmation means a buyer's cancellation (allowed
only before anything ships) never has to claw a payout back. A refund after shipment
(an admin's, for a return) does: each vendor gives back its payout in the proportion
the payment was refunded (Stripe transfer reversals), so a full refund takes every
payout back whole and the platform returns its fee."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import Money
from agora_contracts.payment import PayoutCreated, PayoutReversed
from agora_kit.events.outbox import Outbox
from agora_payment.models import Payment, Payout
from agora_payment.service import ledger
from agora_payment.service.provider import PaymentProvider


def fee_of(gross: int, fee_bps: int) -> int:
    return (gross * fee_bps * 2 + 10000) // 20000


def destination(vendor_id: uuid.UUID) -> str:
    """The vendor's connected account. Until vendors onboard with Stripe Connect
    (a later issue), the account is named after the vendor."""
    return f"acct_{vendor_id.hex[:16]}"


async def pay_vendors(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    payment: Payment,
    fee_bps: int,
    *,
    vendor_id: uuid.UUID | None = None,
) -> list[Payout]:
    """Pay ``vendor_id`` (every vendor of the order when None) its due of ``payment``
    (succeeded, locked by the caller), once, and publish ``PayoutCreated``."""
    done = set(
        await session.scalars(select(Payout.vendor_id).where(Payout.payment_id == payment.id))
    )
    made: list[Payout] = []
    for vendor, gross in sorted(payment.vendor_amounts.items()):
        payee = uuid.UUID(vendor)
        if payee in done or int(gross) <= 0 or vendor_id not in (None, payee):
            continue
        fee = fee_of(int(gross), fee_bps)
        amount = int(gross) - fee
        transfer_id = await provider.transfer(
            destination=destination(payee),
            amount=amount,
            currency=payment.currency,
            idempotency_key=f"payout-{payment.id}-{payee}",
        )
        payout = Payout(
            id=uuid.uuid4(),
            payment_id=payment.id,
            vendor_id=payee,
            gross=int(gross),
            fee=fee,
            amount=amount,
            currency=payment.currency,
            provider_transfer_id=transfer_id,
        )
        session.add(payout)
        await session.flush()
        if amount > 0:
            await ledger.payout(session, payment, amount)

        def money(value: int) -> Money:
            return Money(amount=value, currency=payment.currency)

        await outbox.add(
            session,
            PayoutCreated(
                payout_id=payout.id,
                payment_id=payment.id,
                order_id=payment.order_id,
                vendor_id=payee,
                gross=money(payout.gross),
                fee=money(fee),
                amount=money(amount),
                transfer_id=transfer_id,
                created_at=datetime.now(UTC),
            ),
            key=str(payment.id),
        )
        made.append(payout)
    return made


def due_back(payout: Payout, payment: Payment) -> int:
    """What the vendor owes back once ``payment.refunded_amount`` is refunded: the
    payout's share of it, rounded half up, less what was already taken back."""
    owed = (payout.amount * payment.refunded_amount * 2 + payment.amount) // (2 * payment.amount)
    return min(owed, payout.amount) - payout.reversed_amount


async def reverse_for_refund(
    session: AsyncSession, outbox: Outbox, provider: PaymentProvider, payment: Payment
) -> list[Payout]:
    """After a refund of ``payment``: take each vendor's share of it back."""
    reversed_now: list[Payout] = []
    payouts = await session.scalars(
        select(Payout).where(Payout.payment_id == payment.id).order_by(Payout.vendor_id)
    )
    for payout in payouts:
        amount = due_back(payout, payment)
        if amount <= 0:
            continue
        total = payout.reversed_amount + amount
        reversal_id = await provider.reverse_transfer(
            payout.provider_transfer_id,
            amount=amount,
            idempotency_key=f"reversal-{payout.id}-{total}",
        )
        payout.reversed_amount = total
        await session.flush()
        await ledger.payout_reversal(session, payment, amount)
        await outbox.add(
            session,
            PayoutReversed(
                payout_id=payout.id,
                payment_id=payment.id,
                order_id=payment.order_id,
                vendor_id=payout.vendor_id,
                amount=Money(amount=amount, currency=payment.currency),
                total_reversed=Money(amount=total, currency=payment.currency),
                reversal_id=reversal_id,
                reversed_at=datetime.now(UTC),
            ),
            key=str(payment.id),
        )
        reversed_now.append(payout)
    return reversed_now
