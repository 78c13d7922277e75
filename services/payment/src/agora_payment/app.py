"""The payment service's app: the chassis, with the payment service's context (and
its provider), routers, event handlers and background tasks."""

from __future__ import annotations

from fastapi import FastAPI

from agora_kit.app import create_service_app
from agora_kit.events.transport import Transport
from agora_payment import __doc__ as description
from agora_payment.adapters.provider import PaymentProvider
from agora_payment.api import router
from agora_payment.events import HANDLED
from agora_payment.service.context import PaymentContext
from agora_payment.settings import Settings
from agora_payment.tasks import release_held_payouts


def create_app(
    settings: Settings | None = None,
    *,
    transport: Transport | None = None,
    provider: PaymentProvider | None = None,
) -> FastAPI:
    """The payment service. ``provider`` replaces the one the settings choose."""
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Agora payment service",
        description=description or "",
        context=lambda runtime: PaymentContext.of(runtime, settings, provider),
        routers=[router],
        handlers=HANDLED,
        background_tasks=[release_held_payouts],
        idempotency_keys=True,
        transport=transport,
    )
