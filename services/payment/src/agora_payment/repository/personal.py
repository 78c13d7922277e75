"""What the payment service holds about one person, for the GDPR export and erasure
(ADR 0112): the payments they made and their refunds."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_payment.models import Payment, Refund


async def payments_of(session: AsyncSession, buyer_id: uuid.UUID) -> list[Payment]:
    rows = await session.scalars(
        select(Payment).where(Payment.buyer_id == buyer_id).order_by(Payment.created_at)
    )
    return list(rows)


async def refunds_of(session: AsyncSession, buyer_id: uuid.UUID) -> list[Refund]:
    rows = await session.scalars(
        select(Refund)
        .join(Payment, Payment.id == Refund.payment_id)
        .where(Payment.buyer_id == buyer_id)
        .order_by(Refund.created_at)
    )
    return list(rows)


async def anonymise_payments(session: AsyncSession, buyer_id: uuid.UUID) -> int:
    """Clear what reaches the buyer's card details at the provider (the payment method
    and the intent's client secret); amounts, states, refunds and the ledger stay.
    How many payments still held either."""
    result = await session.execute(
        update(Payment)
        .where(
            Payment.buyer_id == buyer_id,
            Payment.payment_method.is_not(None) | Payment.client_secret.is_not(None),
        )
        .values(payment_method=None, client_secret=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
