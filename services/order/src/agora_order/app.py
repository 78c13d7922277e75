"""The order service's app: the chassis, with the order service's context, routers,
event handlers and background tasks."""

from __future__ import annotations

from fastapi import FastAPI

from agora_kit.app import create_service_app
from agora_kit.events.transport import Transport
from agora_order import __doc__ as description
from agora_order.api import router
from agora_order.events import HANDLED
from agora_order.service.context import OrderContext
from agora_order.settings import Settings
from agora_order.tasks import payment_timeouts


def create_app(settings: Settings | None = None, *, transport: Transport | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Agora order service",
        description=description or "",
        context=lambda runtime: OrderContext.of(runtime, settings),
        routers=[router],
        handlers=HANDLED,
        background_tasks=[payment_timeouts],
        idempotency_keys=True,
        transport=transport,
    )
