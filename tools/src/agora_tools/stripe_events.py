"""What Stripe sends a fleet whose Stripe is stripe-mock, which decides nothing and
sends no events: the signed webhook of a decided payment intent."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping

import httpx
import stripe

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
