"""The GDPR export and erasure of one person's data in the payment service (ADR 0112).

Payments, refunds, payouts and the ledger are records the law makes the platform keep
(bookkeeping, anti-money-laundering); they hold the buyer's id, amounts and states, no
name or address. Erasure removes what still leads to the person's card at the provider
(the payment method reference and the intent's client secret) and the stored answers
of their Idempotency-Keys, and the published events in its outbox that name them. Running it
again changes nothing more."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.personal import forget_person
from agora_payment.repository import personal as repo


async def export(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "payments": [
            {
                "id": p.id,
                "order_id": p.order_id,
                "order_number": p.order_number,
                "amount": p.amount,
                "refunded_amount": p.refunded_amount,
                "currency": p.currency,
                "status": p.status,
                "provider": p.provider,
                "payment_method": p.payment_method,
                "failure_code": p.failure_code,
                "created_at": p.created_at,
                "updated_at": p.updated_at,
            }
            for p in await repo.payments_of(session, user_id)
        ],
        "refunds": [
            {
                "id": r.id,
                "payment_id": r.payment_id,
                "amount": r.amount,
                "reason": r.reason,
                "created_at": r.created_at,
            }
            for r in await repo.refunds_of(session, user_id)
        ],
    }


async def erase(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Anonymise the buyer's payments; how many changed."""
    changed = await repo.anonymise_payments(session, user_id)
    await forget_person(session, user_id)
    return changed
