"""The sandbox provider, the embedded default, that behaves like Stripe's test mode for
its test payment methods:

- ``pm_card_visa`` (and any other ``pm_card_*`` but the two below) succeeds;
- ``pm_card_chargeDeclined`` (also ``pm_card_visa_chargeDeclined`` and
  ``pm_card_chargeCustomerFail``, declined when charged) is declined (``card_declined``);
- ``pm_card_authenticationRequired`` needs the buyer to authenticate (3-D Secure).

Connect onboarding: an account starts ``pending`` (nothing enabled, details due); its
onboarding link points at ``POST /vendors/me/connect/sandbox`` on the API, where the
vendor says how Stripe's onboarding ended (``verified`` or ``rejected``), and the
sandbox makes the ``account.updated`` event Stripe would send (:func:`account_updated`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote

from agora_payment.adapters.provider import (
    Confirmation,
    ConnectedAccount,
    Intent,
    OnboardingLink,
    ProviderRefund,
)

SandboxOutcome = Literal["pending", "verified", "rejected"]
# What Stripe asks of a new Express account before it may be paid.
DUE_AT_START = ("business_profile.url", "external_account", "individual.verification.document")
ONBOARDING_PATH = "/api/v1/vendors/me/connect/sandbox"

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

    def __init__(self, api_url: str = "http://127.0.0.1:8000") -> None:
        self._api_url = api_url.rstrip("/")

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

    async def create_account(
        self, *, vendor_id: str, country: str, idempotency_key: str
    ) -> ConnectedAccount:
        return ConnectedAccount(id=_stable("acct", idempotency_key), currently_due=DUE_AT_START)

    async def onboarding_link(
        self, account_id: str, *, refresh_url: str, return_url: str
    ) -> OnboardingLink:
        return OnboardingLink(
            url=f"{self._api_url}{ONBOARDING_PATH}?account={quote(account_id)}",
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
        )


def account_updated(account_id: str, outcome: SandboxOutcome) -> dict[str, Any]:
    """The ``account.updated`` event Stripe sends when the account's onboarding ends as
    ``outcome``: ``verified`` enables charges and payouts, ``rejected`` disables the
    account (``rejected.other``), ``pending`` leaves details due."""
    verified = outcome == "verified"
    account = {
        "id": account_id,
        "object": "account",
        "type": "express",
        "charges_enabled": verified,
        "payouts_enabled": verified,
        "details_submitted": outcome != "pending",
        "requirements": {
            "currently_due": [] if outcome != "pending" else list(DUE_AT_START),
            "disabled_reason": {
                "verified": None,
                "rejected": "rejected.other",
                "pending": "requirements.past_due",
            }[outcome],
        },
    }
    return {
        "id": f"evt_sandbox_{uuid.uuid4().hex}",
        "object": "event",
        "type": "account.updated",
        "created": int(time.time()),
        "data": {"object": account},
    }
