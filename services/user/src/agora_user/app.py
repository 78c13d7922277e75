"""The user service's app: the chassis, with the user service's context, routers,
event handlers, a start-up step and background tasks. The service verifies access
tokens against the keys in its own database, not over HTTP against itself."""

from __future__ import annotations

from fastapi import FastAPI

from agora_kit.app import create_service_app
from agora_kit.events.transport import Transport
from agora_user import __doc__ as description
from agora_user.api import router
from agora_user.events import HANDLED
from agora_user.service.context import UserContext
from agora_user.service.verifier import DatabaseKeysVerifier
from agora_user.settings import Settings
from agora_user.tasks import housekeeping, prepare_signing_key


def create_app(settings: Settings | None = None, *, transport: Transport | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Agora user service",
        description=description or "",
        context=lambda runtime: UserContext.build(settings, runtime.database, runtime.outbox),
        routers=[router],
        handlers=HANDLED,
        on_startup=[prepare_signing_key],
        background_tasks=[housekeeping],
        verifier=lambda context: DatabaseKeysVerifier(settings.common, context.keys),
        transport=transport,
    )
