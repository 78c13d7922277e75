"""A refund and its consequences: the money back to the buyer (``payments.refund``),
then, when vendors were already paid, their shares of it taken back
(``payouts.reverse_for_refund``). Routes and handlers refund through here."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.events.outbox import Outbox
from agora_payment.models import Payment, Refund
from agora_payment.service import payments, payouts
from agora_payment.service.provider import PaymentProvider


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
    """As ``payments.refund``; the vendors' payouts follow the refund."""
    made = await payments.refund(
        session,
        outbox,
        provider,
        payment,
        amount=amount,
        request_id=request_id,
        reason=reason,
        cap=cap,
    )
    if made is not None:
        await payouts.reverse_for_refund(session, outbox, provider, payment)
    return made
