from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from agora_kit.app import ServiceRuntime, create_service_app
from agora_kit.events.transport import Transport
from agora_user import __doc__ as description
from agora_user.api import routers
from agora_user.events import handlers
from agora_user.service.context import UserContext
from agora_user.service.housekeeping import run_forever
from agora_user.service.verifier import DatabaseKeysVerifier
from agora_user.settings import Settings

logger = logging.getLogger("agora.user")


def create_app(settings: Settings | None = None, *, transport: Transport | None = None) -> FastAPI:
    settings = settings or Settings()
    late: dict[str, UserContext] = {}

    async def housekeeping(runtime: ServiceRuntime) -> None:
        await run_forever(late["context"], settings.housekeeping_interval_seconds)

    app = create_service_app(
        settings,
        title="Agora user service",
        description=description or "",
        routers=routers,
        register_handlers=handlers(lambda: late["context"]),
        transport=transport,
        background_tasks=[housekeeping],
    )
    context = UserContext.build(settings, app.state.database, app.state.outbox)
    late["context"] = context
    app.state.user = context
    # The chassis verifies against AGORA_JWKS_URL, i.e. this service; it holds the keys
    # itself, so it reads them from its database instead.
    verifier = DatabaseKeysVerifier(settings.common, context.keys)
    app.state.jwks_verifier = verifier

    chassis_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(the_app: FastAPI) -> AsyncIterator[Any]:
        async with chassis_lifespan(the_app) as state:
            try:
                await context.keys.ensure_key()
            except Exception as exc:
                # Not fatal: /readyz reports the database, and the key is made on the
                # first login instead.
                logger.warning("could not prepare a signing key at start: %r", exc)
            try:
                yield state
            finally:
                await verifier.aclose()

    app.router.lifespan_context = lifespan
    return app
