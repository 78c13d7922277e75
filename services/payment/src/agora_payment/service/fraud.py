"""Simple fraud rules, checked before the provider is asked to charge:

- velocity: a buyer with ``max_declines`` declined payments in the last hour is
  refused (card testing looks like many declines in a row);
- amount: a payment above ``max_amount`` minor units is refused (review by hand).

A refused payment fails like a decline (402, ``PaymentFailed``), with its own code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_payment.adapters.provider import Confirmation
from agora_payment.models import Payment
from agora_payment.repository import payments as payment_rows
from agora_payment.settings import Settings


@dataclass(frozen=True, slots=True)
class Rules:
    max_declines_per_hour: int
    max_amount: int

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        return cls(settings.fraud_max_declines_per_hour, settings.fraud_max_amount)


async def screen(session: AsyncSession, payment: Payment, rules: Rules) -> Confirmation | None:
    """A refusal, or None when the payment may go ahead."""
    if payment.amount > rules.max_amount:
        return Confirmation(
            status="failed",
            failure_code="amount_too_large",
            failure_message="This payment needs a review; please contact support.",
        )
    declines = await payment_rows.count_of_buyer(
        session, payment.buyer_id, status="failed", since=datetime.now(UTC) - timedelta(hours=1)
    )
    if declines >= rules.max_declines_per_hour:
        return Confirmation(
            status="failed",
            failure_code="too_many_declines",
            failure_message="Too many declined payments; please try again later.",
        )
    return None
