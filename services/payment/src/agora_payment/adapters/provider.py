"""The payment provider interface (``PaymentProvider``) and what a provider answers.
Its implementations: :mod:`agora_payment.adapters.sandbox` (the embedded default) and
:mod:`agora_payment.adapters.stripe`.

Every call takes an idempotency key, as Stripe's API does: the caller retries with
the same key and the provider does the work once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

IntentStatus = Literal[
    "requires_payment_method", "requires_action", "processing", "succeeded", "failed"
]


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    client_secret: str
    status: IntentStatus


@dataclass(frozen=True, slots=True)
class Confirmation:
    status: IntentStatus
    failure_code: str | None = None
    failure_message: str | None = None
    card_label: str | None = None


@dataclass(frozen=True, slots=True)
class ProviderRefund:
    id: str


class PaymentProvider(Protocol):
    name: str

    async def create_intent(
        self, *, amount: int, currency: str, idempotency_key: str, metadata: dict[str, str]
    ) -> Intent: ...

    async def confirm(
        self, intent_id: str, *, payment_method: str, idempotency_key: str
    ) -> Confirmation: ...

    async def refund(
        self, intent_id: str, *, amount: int, idempotency_key: str
    ) -> ProviderRefund: ...

    async def transfer(
        self, *, destination: str, amount: int, currency: str, idempotency_key: str
    ) -> str:
        """Move ``amount`` to a connected account (Stripe Connect); the transfer's id."""
        ...

    async def reverse_transfer(self, transfer_id: str, *, amount: int, idempotency_key: str) -> str:
        """Take ``amount`` of a transfer back from the connected account; the
        reversal's id."""
        ...
