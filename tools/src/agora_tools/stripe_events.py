"""What Stripe sends a fleet whose Stripe is stripe-mock, which decides nothing and
sends no events: the signed webhook of a decided payment intent, and of a connected
account whose onboarding is done; and a vendor's Connect onboarding through the API."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import stripe

from agora_tools import journeys
from agora_tools.journeys import API


def stripe_webhook(
    client: httpx.Client,
    secret: str,
    intent_id: str,
    *,
    succeeded: bool,
    event_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """What Stripe sends once it has decided a payment intent: ``payment_intent.succeeded``
    or ``.payment_failed`` (a card decline), signed with the endpoint's ``secret``. For a
    fleet whose Stripe is stripe-mock, which decides nothing and sends no events."""
    intent: dict[str, object] = {"id": intent_id, "object": "payment_intent"}
    if succeeded:
        intent["status"] = "succeeded"
    else:
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "generic_decline",
        }
    body = json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "type": "payment_intent.succeeded" if succeeded else "payment_intent.payment_failed",
            "data": {"object": intent},
        }
    )
    signature = stripe.WebhookSignature.generate_signature_header(body, secret)
    return client.post(
        f"{API}/payments/webhooks/stripe",
        content=body,
        headers={
            "Stripe-Signature": signature,
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )


def account_verified_webhook(client: httpx.Client, secret: str, account_id: str) -> httpx.Response:
    """What Stripe sends once a store's connected account has finished onboarding and
    may take charges and be paid: ``account.updated``, signed with ``secret``."""
    account = {
        "id": account_id,
        "object": "account",
        "charges_enabled": True,
        "payouts_enabled": True,
        "details_submitted": True,
        "requirements": {"currently_due": [], "disabled_reason": None},
    }
    body = json.dumps(
        {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "type": "account.updated",
            "created": int(time.time()),
            "data": {"object": account},
        }
    )
    signature = stripe.WebhookSignature.generate_signature_header(body, secret)
    return client.post(
        f"{API}/payments/webhooks/stripe",
        content=body,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


def connect_payouts(
    client: httpx.Client,
    vendor: journeys.Customer,
    webhook_secret: Callable[[], str] | None = None,
) -> str:
    """The vendor's store gets its Stripe Connect account and finishes onboarding, so
    that its payouts are paid (ADR 0104); the account's id. With the sandbox provider
    the sandbox's onboarding link ends it; with Stripe (which answers 404 there), the
    ``account.updated`` webhook Stripe would send, signed with ``webhook_secret()``.
    The payment service learns of the store by the catalog's event: it may take a moment."""
    auth = {"Authorization": f"Bearer {vendor.access_token}"}

    def account() -> dict[str, Any] | None:
        answer = client.post(f"{API}/vendors/me/connect", headers=auth)
        return dict(answer.json()) if answer.status_code in (200, 201) else None

    made = journeys.eventually(account, 60, "the store's connected account")
    assert isinstance(made, dict)
    account_id = str(made["account_id"])
    ended = client.post(
        f"{API}/vendors/me/connect/sandbox", json={"outcome": "verified"}, headers=auth
    )
    if ended.status_code == 404 and webhook_secret is not None:
        ended = account_verified_webhook(client, webhook_secret(), account_id)
    if ended.status_code != 200:
        raise journeys.JourneyFailed(f"finish onboarding: {ended.status_code} {ended.text[:300]}")

    def may_be_paid() -> bool:
        status = client.get(f"{API}/vendors/me/connect", headers=auth)
        return status.status_code == 200 and status.json()["payouts_held"] is False

    journeys.eventually(may_be_paid, 60, "payouts enabled")
    return account_id
