from __future__ import annotations

from fastapi import FastAPI

from agora_catalog import __doc__ as description
from agora_catalog.api import router
from agora_catalog.events import register_handlers
from agora_catalog.settings import Settings
from agora_kit.app import create_service_app
from agora_kit.events.transport import Transport


def create_app(settings: Settings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="Agora catalog service",
        description=description or "",
        routers=[router],
        register_handlers=register_handlers,
        transport=transport,
    )
