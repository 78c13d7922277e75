from __future__ import annotations

from functools import partial

from fastapi import FastAPI
from starlette.middleware import Middleware

from agora_catalog import __doc__ as description
from agora_catalog.api import router
from agora_catalog.context import CatalogContext
from agora_catalog.events import register_handlers
from agora_catalog.search.base import SearchBackend
from agora_catalog.search.factory import build_search_backend
from agora_catalog.settings import Settings
from agora_catalog.tasks import reservation_sweeper, search_lifecycle
from agora_kit.app import create_service_app
from agora_kit.caching import ConditionalGet
from agora_kit.events.transport import Transport
from agora_kit.idempotency import forget_old_keys_task

# Reads anyone may make and clients may cache: they carry an ETag and answer
# If-None-Match with 304 (agora_kit.caching).
PUBLIC_READS = (
    "/api/v1/products",
    "/api/v1/categories",
    "/api/v1/vendors",
    "/api/v1/search",
)


def create_app(
    settings: Settings | None = None,
    *,
    transport: Transport | None = None,
    search: SearchBackend | None = None,
) -> FastAPI:
    """The catalog service. ``search`` replaces the backend the settings choose."""
    settings = settings or Settings()
    context = CatalogContext(settings, search or build_search_backend(settings))
    app = create_service_app(
        settings,
        title="Agora catalog service",
        description=description or "",
        routers=[router],
        register_handlers=partial(register_handlers, context=context),
        transport=transport,
        background_tasks=[
            search_lifecycle(context),
            reservation_sweeper(context),
            forget_old_keys_task,
        ],
        middleware=[Middleware(ConditionalGet, prefixes=PUBLIC_READS)],
    )
    context.bind(app.state.outbox)
    app.state.catalog = context
    if context.search.name != "postgres":
        # The PostgreSQL index lives in the catalog's database, already checked.
        app.state.readiness_checks["search"] = context.search.check
    return app
