"""The payment service's background work, run beside the outbox relay for the app's
lifetime: paying the held payouts whose hold period is over (ADR 0045)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from agora_payment.service import payments, payouts
from agora_payment.service.context import PaymentContext

logger = logging.getLogger("agora.payment.tasks")

RELEASE_BATCH = 100


async def release_due(context: PaymentContext, at: datetime, *, batch: int = RELEASE_BATCH) -> int:
    """Pay every held payout whose hold is over by ``at``, one payment per
    transaction; returns how many payments were looked at."""
    async with context.database.transaction() as session:
        due = await payouts.due_payments(session, at, batch=batch)
    for payment_id in due:
        async with context.database.transaction() as session:
            payment = await payments.locked(session, payment_id)
            if payment is not None:
                await payouts.release(session, context.outbox, context.provider, payment, due_by=at)
    return len(due)


async def release_held_payouts(context: PaymentContext) -> None:
    """Pays held payouts once their hold period is over, every
    ``payout_sweep_seconds``."""
    while True:
        looked_at = 0
        try:
            looked_at = await release_due(context, payouts.now())
            if looked_at:
                logger.info("released the held payouts of %d payment(s)", looked_at)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the payout release failed; trying again later")
        if looked_at < RELEASE_BATCH:
            await asyncio.sleep(context.settings.payout_sweep_seconds)
