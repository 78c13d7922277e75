"""Stripe webhooks: the ``Stripe-Signature`` check, and what each event means here.

The header is ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=...]``,
signed with the endpoint's secret (Stripe's scheme, which the ``stripe`` library's
``WebhookSignature`` implements the same way). A bad signature, a missing or
malformed header, or a timestamp older than the tolerance is refused (400).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.errors import BadRequest, ServiceUnavailable
from agora_kit.events.outbox import Outbox
from agora_payment.models import Payment, WebhookEvent
from agora_payment.service import payments
from agora_payment.service.provider import Confirmation


class BadSignature(BadRequest):
    slug = "bad-webhook-signature"
    title = "The webhook's signature is invalid or too old"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header for ``payload`` (for tests and tools)."""
    at = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def verify(
    payload: bytes, header: str | None, secret: str, *, tolerance: int, now: float | None = None
) -> dict[str, Any]:
    """The event, if ``header`` signs ``payload`` recently enough; else BadSignature."""
    if not header:
        raise BadSignature("Stripe-Signature is missing.")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise BadSignature("Stripe-Signature has a malformed timestamp.") from None
        elif name == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise BadSignature("Stripe-Signature has no timestamp or no v1 signature.")
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise BadSignature("Stripe-Signature does not match the payload.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise BadSignature("Stripe-Signature is too old.")
    try:
        event = json.loads(payload)
    except ValueError:
        raise BadSignature("The webhook's body is not JSON.") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise BadSignature("The webhook's body is not an event.")
    return event


class PaymentNotRecordedYet(ServiceUnavailable):
    slug = "payment-not-recorded-yet"
    title = "The payment is not recorded yet"


async def handle(session: AsyncSession, outbox: Outbox, event: dict[str, Any]) -> None:
    """Apply a verified event once (by its id). Payment intents' outcomes are what
    matter here; other types are acknowledged and ignored."""
    first = await session.execute(
        pg_insert(WebhookEvent)
        .values(id=event["id"], type=str(event.get("type", "")))
        .on_conflict_do_nothing()
        .returning(WebhookEvent.id)
    )
    if first.first() is None:
        return
    kind = event.get("type")
    obj = (event.get("data") or {}).get("object") or {}
    intent_id = obj.get("id")
    if kind not in ("payment_intent.succeeded", "payment_intent.payment_failed") or not intent_id:
        return
    payment = await session.scalar(
        select(Payment).where(Payment.provider_intent_id == intent_id).with_for_update()
    )
    if payment is None:
        if (obj.get("metadata") or {}).get("order_id"):
            # An Agora order's intent whose payment is not committed yet (confirmed at
            # checkout, in the transaction that creates it): not acknowledged, so that
            # Stripe sends it again; raising rolls back the event's record too.
            raise PaymentNotRecordedYet(
                "This payment intent is not recorded yet; send the event again later."
            )
        return
    if kind == "payment_intent.succeeded":
        await payments.apply(session, outbox, payment, Confirmation(status="succeeded"))
        return
    error = obj.get("last_payment_error") or {}
    await payments.apply(
        session,
        outbox,
        payment,
        Confirmation(
            status="failed",
            failure_code=error.get("decline_code") or error.get("code") or "payment_failed",
            failure_message="Your card was declined."
            if error.get("code") == "card_declined"
            else "The payment failed.",
        ),
    )
