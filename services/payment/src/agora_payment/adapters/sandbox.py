"""The sandbox provider, the embedded default, that behaves like Stripe's test mode for
its test payment methods:

- ``pm_card_visa`` (and any other ``pm_card_*`` but the two below) succeeds;
- ``pm_card_chargeDeclined`` (also ``pm_card_visa_chargeDeclined`` and
  ``pm_card_chargeCustomerFail``, declined when charged) is declined (``card_declined``);
- ``pm_card_authenticationRequired`` needs the buyer to authenticate (3-D Secure).
"""

from __future__ import annotations

import hashlib
import secrets

from agora_payment.adapters.provider import Confirmation, Intent, ProviderRefund

DECLINED = (
    "pm_card_chargeDeclined",
    "pm_card_visa_chargeDeclined",
    "pm_card_chargeCustomerFail",
)
AUTHENTICATION_REQUIRED = "pm_card_authenticationRequired"


def _stable(prefix: str, key: str) -> str:
    """The same key gives the same id: the sandbox's idempotency."""
    return f"{prefix}_sandbox_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class SandboxProvider:
    """Stripe's test mode, in-process: no network, no state of its own (the payment
    service's database holds the state)."""

    name = "sandbox"

    async def create_intent(
        self, *, amount: int, currency: str, idempotency_key: str, metadata: dict[str, str]
    ) -> Intent:
        intent_id = _stable("pi", idempotency_key)
        return Intent(
            id=intent_id,
            client_secret=f"{intent_id}_secret_{secrets.token_urlsafe(12)}",
            status="requires_payment_method",
        )

    async def confirm(
        self, intent_id: str, *, payment_method: str, idempotency_key: str
    ) -> Confirmation:
        if payment_method in DECLINED:
            return Confirmation(
                status="failed",
                failure_code="card_declined",
                failure_message="Your card was declined.",
            )
        if payment_method == AUTHENTICATION_REQUIRED:
            return Confirmation(status="requires_action")
        if not payment_method.startswith("pm_"):
            return Confirmation(
                status="failed",
                failure_code="payment_method_invalid",
                failure_message="This payment method cannot be used.",
            )
        return Confirmation(status="succeeded", card_label="Visa 4242")

    async def refund(self, intent_id: str, *, amount: int, idempotency_key: str) -> ProviderRefund:
        return ProviderRefund(id=_stable("re", idempotency_key))

    async def transfer(
        self, *, destination: str, amount: int, currency: str, idempotency_key: str
    ) -> str:
        return _stable("tr", idempotency_key)

    async def reverse_transfer(self, transfer_id: str, *, amount: int, idempotency_key: str) -> str:
        return _stable("trr", idempotency_key)
