"""Stripe webhooks: the ``Stripe-Signature`` check, and what each event means here.

The check is the pinned ``stripe`` library's own (``WebhookSignature.verify_header``),
so the header format, the multi-signature rule (any one ``v1`` may match) and the
tolerance stay Stripe's. A bad signature, a missing or malformed header, or a
timestamp outside the tolerance is refused (400).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import stripe
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox
from agora_payment.adapters.provider import Confirmation, ConnectedAccount, PaymentProvider
from agora_payment.adapters.sandbox import SandboxOutcome, SandboxProvider, account_updated
from agora_payment.models import ConnectAccount
from agora_payment.repository import payments as payment_rows
from agora_payment.repository import webhook_events
from agora_payment.service import connect, payments
from agora_payment.service.errors import BadSignature, PaymentNotRecordedYet


def verify(payload: bytes, header: str | None, secret: str, *, tolerance: int) -> dict[str, Any]:
    """The event, if ``header`` signs ``payload`` recently enough; else BadSignature."""
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
    except stripe.SignatureVerificationError as error:
        raise BadSignature(f"Stripe-Signature: {error.user_message or error}") from None
    except UnicodeDecodeError:
        raise BadSignature("The webhook's body is not UTF-8.") from None
    try:
        event = json.loads(payload)
    except ValueError:
        raise BadSignature("The webhook's body is not JSON.") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise BadSignature("The webhook's body is not an event.")
    return event


async def handle(
    session: AsyncSession, outbox: Outbox, provider: PaymentProvider, event: dict[str, Any]
) -> None:
    """Apply a verified event once (by its id). Payment intents' outcomes and connected
    accounts' changes (``account.updated``, ADR 0104) are what matter here; other
    types are acknowledged and ignored."""
    if not await webhook_events.record_first(session, event["id"], str(event.get("type", ""))):
        return
    kind = event.get("type")
    obj = (event.get("data") or {}).get("object") or {}
    if kind == "account.updated":
        if isinstance(obj.get("id"), str):
            await connect.updated(
                session, outbox, provider, ConnectedAccount.of(obj), at=_at(event)
            )
        return
    intent_id = obj.get("id")
    if kind not in ("payment_intent.succeeded", "payment_intent.payment_failed") or not intent_id:
        return
    payment = await payment_rows.by_intent(session, intent_id)
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


def _at(event: dict[str, Any]) -> datetime:
    """When Stripe created the event (its ``created``, Unix seconds), else now."""
    created = event.get("created")
    if isinstance(created, int) and not isinstance(created, bool):
        try:
            return datetime.fromtimestamp(created, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    return datetime.now(UTC)


async def sandbox_onboarding(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    vendor_id: uuid.UUID,
    outcome: SandboxOutcome,
) -> ConnectAccount:
    """The sandbox's onboarding link, completed as ``outcome``: the ``account.updated``
    event Stripe would send, applied as a webhook's is. Only with the sandbox provider
    (which production refuses); 404 otherwise."""
    if not isinstance(provider, SandboxProvider):
        raise NotFound("Onboarding is completed at Stripe, not here.")
    account = await connect.of_vendor(session, vendor_id)
    await handle(session, outbox, provider, account_updated(account.account_id, outcome))
    await session.refresh(account)
    return account
