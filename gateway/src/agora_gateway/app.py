"""The gateway's app: edge authentication, rate limits, hardening headers, the merged
API document, and the proxy and WebSocket routes to the five services, on the same
chassis base as the services (problem+json, request ids, metrics, tracing, health)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from opentelemetry import trace
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute

from agora_gateway import __doc__ as description
from agora_gateway.auth import EdgeAuthenticator
from agora_gateway.console import console_routes
from agora_gateway.contract import router as contract_router
from agora_gateway.deprecation import DeprecationMiddleware
from agora_gateway.docs import router as docs_router
from agora_gateway.hardening import RequestLimitsMiddleware, SecurityHeadersMiddleware
from agora_gateway.media import media_route
from agora_gateway.observability import GatewayMetrics
from agora_gateway.openapi import OpenAPIAggregator
from agora_gateway.proxy import METHODS, proxy
from agora_gateway.ratelimit import RateLimiter
from agora_gateway.revocations import RevocationFollower, follower_group
from agora_gateway.runtime import Gateway
from agora_gateway.settings import Settings
from agora_gateway.upstream import Upstreams, build_client, build_upstream_client
from agora_gateway.websocket import websocket_proxy
from agora_kit.app import build_transport, create_base_app
from agora_kit.auth import JWTConfig
from agora_kit.events.transport import Transport
from agora_kit.metrics import ServiceMetrics

API_DESCRIPTION = """The public API of Agora, an open multi-vendor commerce backend.

**Sign in** with *Authorize*: the OAuth2 password flow (your e-mail and password), a
bearer access token from `POST /api/v1/auth/login`, or an API key (`X-API-Key`), which
acts as its owner within its scopes. Errors are `application/problem+json` (RFC 9457);
every answer carries `X-Request-ID`; limited routes carry `RateLimit-*` headers and
answer 429 with `Retry-After` when the limit is reached.
"""

CORS_HEADERS = [
    "Authorization",
    "Content-Type",
    "X-API-Key",
    "X-Request-ID",
    "Idempotency-Key",
    "If-None-Match",
    "If-Match",
]
EXPOSED_HEADERS = [
    "X-Request-ID",
    "Location",
    "ETag",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "Idempotent-Replayed",
    "Deprecation",
    "Sunset",
    "Link",
]


def create_app(settings: Settings | None = None, *, transport: Transport | None = None) -> FastAPI:
    """The gateway. ``transport`` is the event transport to follow revocations on when
    the caller runs one already (the all-in-one); else the gateway builds its own from
    the shared settings."""
    settings = settings or Settings()
    # httpx logs every request at INFO: one line per proxied call, beside the access log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    client = build_client(settings)
    base_metrics = ServiceMetrics(settings.service_name)
    metrics = GatewayMetrics(base_metrics)
    # Late-bound: the app (and a test) may swap the client after this returns.
    holder: dict[str, FastAPI] = {}

    def current_client() -> httpx.AsyncClient:
        return Gateway.client(holder["app"])

    upstreams = Upstreams(settings, metrics)
    auth = EdgeAuthenticator(
        jwt_config=JWTConfig(
            jwks_url=settings.common.jwks_url,
            issuer=settings.common.jwt_issuer,
            audience=settings.common.jwt_audience,
            clock_skew_seconds=settings.common.jwt_clock_skew_seconds,
        ),
        get_client=current_client,
        user_url=upstreams.base_urls["user"],
        metrics=metrics,
        cache_seconds=settings.api_key_cache_seconds,
        cache_size=settings.api_key_cache_size,
        service_token=settings.common.service_token.get_secret_value(),
    )
    limiter = RateLimiter(settings, metrics)
    openapi = OpenAPIAggregator(
        upstreams=upstreams.base_urls,
        get_client=current_client,
        metrics=metrics,
        refresh_seconds=settings.openapi_refresh_seconds,
        retry_seconds=settings.openapi_retry_seconds,
        fetch_timeout_seconds=settings.openapi_fetch_timeout_seconds,
        limited=lambda method, path: settings.rate_limit_enabled,
        description=API_DESCRIPTION,
        server_url=settings.public_url,
        deprecations=settings.deprecations,
    )
    gateway = Gateway(settings, metrics, auth, limiter, upstreams, openapi)
    follower = (
        RevocationFollower(
            cache=auth.cache,
            transport=transport
            or build_transport(settings.common, client_id="gateway", trims_log=False),
            group=follower_group(settings.port),
            metrics=metrics,
            max_age_seconds=settings.api_key_cache_seconds + 60.0,
            owns_transport=transport is None,
        )
        if settings.api_key_revocation_events
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        background = [asyncio.create_task(openapi.run(), name="gateway-openapi-refresh")]
        if follower is not None:
            background.append(asyncio.create_task(follower.run(), name="gateway-revocations"))
        try:
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if follower is not None:
                await follower.close()
            await auth.aclose()
            await limiter.aclose()
            await Gateway.client(app).aclose()
            await Gateway.upstream_client(app).aclose()

    # The gateway is ready when it can count rate limits; a service that is down is
    # that service's 503 (and its open circuit), not a reason to take the door away.
    checks = {"rate_limits": limiter.check_storage}
    app = create_base_app(
        settings.service_name,
        title="Agora API",
        description=description or "",
        version="0.1.0",
        metrics=base_metrics,
        max_body_bytes=settings.body_limit,
        larger_bodies=settings.route_body_limits,
        readiness_checks=checks,
        lifespan=lifespan,
        routers=[docs_router, contract_router],
        api_docs=False,
        middleware=[
            Middleware(DeprecationMiddleware, rules=settings.deprecations),
            Middleware(
                RequestLimitsMiddleware,
                max_url_bytes=settings.max_url_bytes,
                max_header_bytes=settings.max_header_bytes,
                max_headers=settings.max_headers,
            ),
        ],
    )
    holder["app"] = app
    if settings.media_dir:
        app.router.routes.append(media_route(Path(settings.media_dir)))
    if settings.console_dir:
        app.router.routes.extend(console_routes(Path(settings.console_dir)))
    app.router.routes.append(Route("/{path:path}", proxy, methods=METHODS))
    app.router.routes.append(WebSocketRoute("/{path:path}", websocket_proxy))
    # Outside the request context: a CORS preflight is answered before anything else,
    # and every answer, errors included, gets the CORS and security headers.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_allow_origins,
        allow_origin_regex=settings.cors_origin_pattern(),
        allow_methods=METHODS,
        allow_headers=CORS_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=settings.cors_max_age_seconds,
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts_seconds=settings.hsts_seconds)
    app.state.http_client = client
    app.state.upstream_client = build_upstream_client(settings)
    app.state.gateway = gateway
    gateway.tracer = trace.get_tracer("agora.gateway", tracer_provider=app.state.tracer_provider)
    app.state.upstreams = upstreams.base_urls
    app.state.jwks_verifier = auth.verifier
    return app
