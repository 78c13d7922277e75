"""The catalog service's app: the chassis, with the catalog's context (and its search
backend), routers, event handlers and background tasks."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from agora_catalog import __doc__ as description
from agora_catalog.adapters.media.base import MediaStore
from agora_catalog.adapters.media.factory import build_media_store
from agora_catalog.adapters.search.base import SearchBackend
from agora_catalog.adapters.search.factory import build_search_backend
from agora_catalog.api import router
from agora_catalog.api.images import UPLOAD_PATH
from agora_catalog.events import HANDLED
from agora_catalog.repository.embeddings import SCAN_SETTINGS
from agora_catalog.service.context import CatalogContext
from agora_catalog.settings import Settings
from agora_catalog.tasks import (
    embed_products,
    keep_search_open,
    make_thumbnails,
    sweep_expired_reservations,
    sweep_media,
)
from agora_kit.app import API_PREFIX, create_service_app
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
    "/api/v1/currencies",
)


# Multipart framing around the largest image.
MULTIPART_SLACK = 65_536


def readiness(context: CatalogContext) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    # A local image store is a directory, made with the first upload; S3 is a server.
    if context.media.name != "local":
        checks["media"] = context.media.check
    # The PostgreSQL index lives in the catalog's database, already checked.
    if context.search.name != "postgres":
        checks["search"] = context.search.check
    return checks


def create_app(
    settings: Settings | None = None,
    *,
    transport: Transport | None = None,
    search: SearchBackend | None = None,
    media: MediaStore | None = None,
) -> FastAPI:
    """The catalog service. ``search`` and ``media`` replace the search backend and the
    image store the settings choose."""
    settings = settings or Settings()
    backend = search or build_search_backend(settings)
    store = media or build_media_store(settings)
    return create_service_app(
        settings,
        title="Agora catalog service",
        description=description or "",
        context=lambda runtime: CatalogContext.of(runtime, settings, backend, store),
        routers=[router],
        handlers=HANDLED,
        background_tasks=[
            keep_search_open,
            sweep_expired_reservations,
            make_thumbnails,
            embed_products,
            sweep_media,
        ],
        readiness_checks=readiness,
        idempotency_keys=True,
        transport=transport,
        middleware=[Middleware(ConditionalGet, prefixes=PUBLIC_READS)],
        database_settings=SCAN_SETTINGS,
        larger_bodies={
            f"POST {API_PREFIX}{UPLOAD_PATH.replace('{product_id}', '*')}": (
                settings.image_max_bytes + MULTIPART_SLACK
            )
        },
    )
