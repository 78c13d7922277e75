from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import httpx
from fastapi import FastAPI

from agora_gateway import __doc__ as description
from agora_gateway.routes import router
from agora_gateway.settings import Settings
from agora_kit.app import create_base_app
from agora_kit.metrics import ServiceMetrics


async def _upstream_alive(client: httpx.AsyncClient, base_url: str) -> None:
    response = await client.get(f"{base_url}/healthz")
    response.raise_for_status()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # One pooled keep-alive client for every upstream call.
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, connect=5.0),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        follow_redirects=False,
    )

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
        routers=[router],
    )
    app.state.http_client = client
    app.state.upstreams = settings.upstreams()
    return app
