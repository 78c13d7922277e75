"""The catalog service's app: the chassis, with the catalog's context (and its search
backend), routers, event handlers and background tasks."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from agora_catalog import __doc__ as description
from agora_catalog.adapters.search.base import SearchBackend
from agora_catalog.adapters.search.factory import build_search_backend
from agora_catalog.api import router
from agora_catalog.events import HANDLED
from agora_catalog.service.context import CatalogContext
from agora_catalog.settings import Settings
from agora_catalog.tasks import keep_search_open, sweep_expired_reservations
from agora_kit.app import create_service_app
from agora_kit.caching import ConditionalGet
from agora_kit.events.transport import Transport
from agora_kit.health import Check

# Reads anyone may make and clients may cache: they carry an ETag and answer
# If-None-Match with 304 (agora_kit.caching).
PUBLIC_READS = (
    "/api/v1/products",
    "/api/v1/categories",
    "/api/v1/vendors",
    "/api/v1/search",
)


def readiness(context: CatalogContext) -> dict[str, Check]:
    # The PostgreSQL index lives in the catalog's database, already checked.
    return {} if context.search.name == "postgres" else {"search": context.search.check}


def create_app(
    settings: Settings | None = None,
    *,
    transport: Transport | None = None,
    search: SearchBackend | None = None,
) -> FastAPI:
    """The catalog service. ``search`` replaces the backend the settings choose."""
    settings = settings or Settings()
    backend = search or build_search_backend(settings)
    return create_service_app(
        settings,
        title="Agora catalog service",
        description=description or "",
        context=lambda runtime: CatalogContext.of(runtime, settings, backend),
        routers=[router],
        handlers=HANDLED,
        background_tasks=[keep_search_open, sweep_expired_reservations],
        readiness_checks=readiness,
        idempotency_keys=True,
        transport=transport,
        middleware=[Middleware(ConditionalGet, prefixes=PUBLIC_READS)],
    )
