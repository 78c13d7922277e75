"""The payment provider interface (``PaymentProvider``) and what a provider answers.
Its implementations: :mod:`agora_payment.adapters.sandbox` (the embedded default) and
:mod:`agora_payment.adapters.stripe`.

Every call takes an idempotency key, as Stripe's API does: the caller retries with
the same key and the provider does the work once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

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


@dataclass(frozen=True, slots=True)
class ConnectedAccount:
    """A vendor's Stripe Connect account as the provider reports it: what it may do
    (``charges_enabled``, ``payouts_enabled``), whether its owner finished onboarding
    (``details_submitted``), and why it is disabled, if it is
    (``requirements.disabled_reason``: ``rejected.*`` when Stripe refused it)."""

    id: str
    charges_enabled: bool = False
    payouts_enabled: bool = False
    details_submitted: bool = False
    disabled_reason: str | None = None
    currently_due: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, account: Mapping[str, Any]) -> ConnectedAccount:
        """From a Stripe Account object (an API answer or an ``account.updated``
        event's ``data.object``)."""
        requirements = account.get("requirements") or {}
        return cls(
            id=str(account["id"]),
            charges_enabled=bool(account.get("charges_enabled")),
            payouts_enabled=bool(account.get("payouts_enabled")),
            details_submitted=bool(account.get("details_submitted")),
            disabled_reason=requirements.get("disabled_reason") or None,
            currently_due=tuple(str(item) for item in requirements.get("currently_due") or ()),
        )


@dataclass(frozen=True, slots=True)
class OnboardingLink:
    """Where the vendor completes its account's onboarding (single use, short-lived)."""

    url: str
    expires_at: datetime


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

    async def create_account(
        self, *, vendor_id: str, country: str, idempotency_key: str
    ) -> ConnectedAccount:
        """An Express connected account for a vendor, able to receive transfers."""
        ...

    async def onboarding_link(
        self, account_id: str, *, refresh_url: str, return_url: str
    ) -> OnboardingLink:
        """A fresh ``account_onboarding`` link of the account."""
        ...
