"""``/payments/webhooks/stripe``: Stripe's signed webhooks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request

from agora_kit.app import OutboxDep
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_payment.api.deps import ContextDep
from agora_payment.service import webhooks

router = APIRouter(prefix="/payments", tags=["payments"])


@router.post(
    "/webhooks/stripe",
    responses=problem_responses(400),
    summary="Stripe webhooks, verified with Stripe-Signature",
)
async def stripe_webhook(
    request: Request,
    session: SessionDep,
    outbox: OutboxDep,
    context: ContextDep,
    signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> dict[str, bool]:
    """Where Stripe sends its events. The `Stripe-Signature` header is verified against
    the webhook secret; a bad or too old signature is 400. Not for clients."""
    settings = context.settings
    event = webhooks.verify(
        await request.body(),
        signature,
        settings.stripe_webhook_secret.get_secret_value(),
        tolerance=settings.stripe_webhook_tolerance_seconds,
    )
    await webhooks.handle(session, outbox, context.provider, event)
    return {"received": True}
