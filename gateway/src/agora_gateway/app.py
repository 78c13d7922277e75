from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import httpx
from fastapi import FastAPI

from agora_gateway import __doc__ as description
from agora_gateway.settings import Settings
from agora_kit.app import create_base_app
from agora_kit.metrics import ServiceMetrics


async def _upstream_alive(client: httpx.AsyncClient, base_url: str) -> None:
    response = await client.get(f"{base_url}/healthz")
    response.raise_for_status()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    client = httpx.AsyncClient(timeout=httpx.Timeout(5.0))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await client.aclose()

    # The gateway is ready when it can reach every service it routes to.
    checks = {
        name: partial(_upstream_alive, client, url) for name, url in settings.upstreams().items()
    }
    app = create_base_app(
        settings.service_name,
        title="Agora API",
        description=description or "",
        version="0.1.0",
        metrics=ServiceMetrics(settings.service_name),
        max_body_bytes=settings.common.max_body_bytes,
        readiness_checks=checks,
        lifespan=lifespan,
    )
    app.state.http_client = client
    return app
