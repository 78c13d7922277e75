"""The Stripe provider: PaymentIntents (created and confirmed server-side, each call
with an idempotency key), refunds, Connect Express accounts with their onboarding
links, and Connect transfers for vendor payouts, through the ``stripe`` library's
async client.

Each call is bounded (ADR 0111): ``timeout`` seconds for an answer, retried
``max_network_retries`` times with its idempotency key; a call Stripe could not answer
(the network, a timeout, its 5xx or 429) raises ``ProviderUnavailable``, a 503."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

import stripe

from agora_kit.errors import ServiceUnavailable
from agora_payment.adapters.provider import (
    Confirmation,
    ConnectedAccount,
    Intent,
    OnboardingLink,
    ProviderRefund,
)

_DECLINE_MESSAGE = "Your card was declined."
_P = ParamSpec("_P")
_R = TypeVar("_R")


class ProviderUnavailable(ServiceUnavailable):
    """Stripe did not answer (the network, a timeout) or answered that it cannot now."""


def _unavailable_on_failure(
    call: Callable[_P, Coroutine[Any, Any, _R]],
) -> Callable[_P, Coroutine[Any, Any, _R]]:
    @functools.wraps(call)
    async def bounded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return await call(*args, **kwargs)
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as error:
            raise ProviderUnavailable(
                "The payment provider did not answer; retry the request.",
                headers={"Retry-After": "2"},
            ) from error

    return bounded


class StripeProvider:
    name = "stripe"

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str | None = None,
        timeout: float = 10.0,
        max_network_retries: int = 1,
    ) -> None:
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            http_client=stripe.HTTPXClient(timeout=timeout),
            max_network_retries=max_network_retries,
        )

    @_unavailable_on_failure
    async def create_intent(
        self, *, amount: int, currency: str, idempotency_key: str, metadata: dict[str, str]
    ) -> Intent:
        intent = await self._client.v1.payment_intents.create_async(
            params={
                "amount": amount,
                "currency": currency.lower(),
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
        return Intent(
            id=intent.id,
            client_secret=intent.client_secret or "",
            status="requires_payment_method",
        )

    @_unavailable_on_failure
    async def confirm(
        self, intent_id: str, *, payment_method: str, idempotency_key: str
    ) -> Confirmation:
        # Attach the method, then confirm: what Stripe does in one call, in two that
        # localstripe understands too (it confirms only intents that hold a method).
        await self._client.v1.payment_intents.update_async(
            intent_id,
            params={"payment_method": payment_method},
            options={"idempotency_key": f"{idempotency_key}-attach"},
        )
        try:
            intent = await self._client.v1.payment_intents.confirm_async(
                intent_id, options={"idempotency_key": idempotency_key}
            )
        except stripe.CardError as error:
            return Confirmation(
                status="failed",
                failure_code=error.code or "card_declined",
                failure_message=_DECLINE_MESSAGE,
            )
        if intent.status == "succeeded":
            return Confirmation(status="succeeded", card_label="Card")
        if intent.status in ("requires_action", "requires_confirmation"):
            return Confirmation(status="requires_action")
        last = intent.to_dict().get("last_payment_error") or {}
        if intent.status == "requires_payment_method" and last.get("code"):
            # The attempt was declined and the intent wants another method.
            return Confirmation(
                status="failed",
                failure_code=last.get("decline_code") or last["code"],
                failure_message=_DECLINE_MESSAGE,
            )
        # ``processing``, or an answer that says nothing final (stripe-mock's canned
        # fixture): Stripe's payment_intent.succeeded or .payment_failed webhook decides.
        return Confirmation(status="processing")

    @_unavailable_on_failure
    async def refund(self, intent_id: str, *, amount: int, idempotency_key: str) -> ProviderRefund:
        refund = await self._client.v1.refunds.create_async(
            params={"payment_intent": intent_id, "amount": amount},
            options={"idempotency_key": idempotency_key},
        )
        return ProviderRefund(id=refund.id)

    @_unavailable_on_failure
    async def transfer(
        self, *, destination: str, amount: int, currency: str, idempotency_key: str
    ) -> str:
        transfer = await self._client.v1.transfers.create_async(
            params={"amount": amount, "currency": currency.lower(), "destination": destination},
            options={"idempotency_key": idempotency_key},
        )
        return transfer.id

    @_unavailable_on_failure
    async def reverse_transfer(self, transfer_id: str, *, amount: int, idempotency_key: str) -> str:
        reversal = await self._client.v1.transfers.reversals.create_async(
            transfer_id,
            params={"amount": amount},
            options={"idempotency_key": idempotency_key},
        )
        return reversal.id

    @_unavailable_on_failure
    async def create_account(
        self, *, vendor_id: str, country: str, idempotency_key: str
    ) -> ConnectedAccount:
        account = await self._client.v1.accounts.create_async(
            params={
                "type": "express",
                "country": country,
                # Destination transfers only: the platform charges, the vendor is paid.
                "capabilities": {"transfers": {"requested": True}},
                "metadata": {"vendor_id": vendor_id},
            },
            options={"idempotency_key": idempotency_key},
        )
        return ConnectedAccount.of(account.to_dict())

    @_unavailable_on_failure
    async def onboarding_link(
        self, account_id: str, *, refresh_url: str, return_url: str
    ) -> OnboardingLink:
        link = await self._client.v1.account_links.create_async(
            params={
                "account": account_id,
                "type": "account_onboarding",
                "refresh_url": refresh_url,
                "return_url": return_url,
            }
        )
        return OnboardingLink(url=link.url, expires_at=datetime.fromtimestamp(link.expires_at, UTC))
