from __future__ import annotations

from fastapi import FastAPI

from agora_kit.app import create_service_app
from agora_kit.events.transport import Transport
from agora_order import __doc__ as description
from agora_order.api import router
from agora_order.events import register_handlers
from agora_order.settings import Settings


def create_app(settings: Settings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="Agora order service",
        description=description or "",
        routers=[router],
        register_handlers=register_handlers,
        transport=transport,
    )
