"""The payment service's business metrics (docs/operations/metrics.md).

They live in the app's registry beside the chassis metrics, and every session of the
app's database carries them (``session.info``), so a payment's outcome counts the same
whether the buyer's confirmation or the provider's webhook reports it. A count is made
when the transaction that recorded the outcome commits: one rolled back counts nothing.

Outcomes: ``succeeded``; ``declined`` when the payment was refused: by the card issuer,
or by our fraud rules before the provider was asked (they refuse it as a decline,
402, and a wave of them is what the payment-failures runbook reads as card testing);
``failed`` when the provider could not process it: it raised (an error, a timeout),
or reported a failure that is not a refusal of the card.
"""

from __future__ import annotations

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.metrics import ServiceMetrics, SessionMetrics
from agora_payment.adapters.provider import Confirmation

# Failure codes that are no refusal of the card: the webhook's code for a failure
# Stripe gave no reason for, a processing error, a method the provider cannot use.
FAILED_CODES = frozenset({"payment_failed", "processing_error", "payment_method_invalid"})


class PaymentMetrics(SessionMetrics):
    session_key = "agora_payment_metrics"

    def __init__(self, metrics: ServiceMetrics) -> None:
        super().__init__(metrics)
        r = metrics.registry
        self.attempts = Counter(
            "agora_payment_attempts_total",
            "Payment confirmations by provider and outcome (succeeded, declined, failed)",
            ["service", "provider", "outcome"],
            registry=r,
        )
        self.refunds = Counter(
            "agora_payment_refunds_total",
            "Refunds issued",
            ["service", "provider", "currency"],
            registry=r,
        )


def outcome(result: Confirmation) -> str | None:
    """The attempt's outcome; None while the payment is not settled."""
    if result.status == "succeeded":
        return "succeeded"
    if result.status != "failed":
        return None
    if result.failure_code is None or result.failure_code in FAILED_CODES:
        return "failed"
    return "declined"


def attempt(session: AsyncSession, provider: str, result: Confirmation) -> None:
    """Count the provider's (or the fraud rules') answer to a confirmation."""
    settled = outcome(result)
    if settled is not None:
        PaymentMetrics.count(
            session, lambda m: m.attempts.labels(m.service, provider, settled).inc()
        )


def provider_error(session: AsyncSession, provider: str) -> None:
    """Count a confirmation the provider did not answer (it raised). At once: the
    transaction rolls back, but the attempt was made."""
    metrics = PaymentMetrics.of(session)
    if metrics is not None:
        metrics.attempts.labels(metrics.service, provider, "failed").inc()


def refunded(session: AsyncSession, provider: str, currency: str) -> None:
    PaymentMetrics.count(session, lambda m: m.refunds.labels(m.service, provider, currency).inc())
