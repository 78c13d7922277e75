"""``create_service_app``: one call that gives a service everything the fleet shares.

Problem+json errors, request ids and JSON logs, the body size limit, RED metrics,
tracing, ``/healthz`` ``/readyz`` ``/metrics``, the database, the outbox and its
relay, the event consumer, and JWT verification for the auth dependencies. A service
brings its routers and its event handlers; nothing else differs between services.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from opentelemetry.sdk.trace import TracerProvider
from starlette.middleware import Middleware

from agora_kit import health
from agora_kit.auth import JWKSVerifier, JWTConfig
from agora_kit.db import Database
from agora_kit.errors import install_problem_handlers
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.outbox import Outbox
from agora_kit.events.relay import OutboxRelay
from agora_kit.events.transport import Transport
from agora_kit.health import Check
from agora_kit.metrics import MetricsMiddleware, ServiceMetrics, metrics_endpoint
from agora_kit.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from agora_kit.serving import GatewayForwarded
from agora_kit.settings import CommonSettings, ServiceSettings
from agora_kit.tracing import instrument_app, tracer_provider

API_PREFIX = "/api/v1"

logger = logging.getLogger("agora.app")


def build_transport(common: CommonSettings, client_id: str = "agora") -> Transport:
    if common.event_transport == "kafka":
        from agora_kit.events.kafka import KafkaTransport

        return KafkaTransport(
            common.kafka_bootstrap_servers,
            client_id=client_id,
            partitions=common.kafka_partitions,
            replication_factor=common.kafka_replication_factor,
        )
    from agora_kit.events.inprocess import InProcessTransport

    return InProcessTransport(common.events_database_url)


@dataclass
class ServiceRuntime:
    """What a running service holds; reachable from routes as ``request.app.state.runtime``."""

    settings: ServiceSettings
    database: Database
    metrics: ServiceMetrics
    transport: Transport
    outbox: Outbox
    relay: OutboxRelay
    consumer: EventConsumer


# A service's own long-running work (a periodic sweep, say), run beside the relay.
BackgroundTask = Callable[[ServiceRuntime], Awaitable[None]]


async def _run_background(task: BackgroundTask, runtime: ServiceRuntime) -> None:
    try:
        await task(runtime)
    except asyncio.CancelledError:
        raise
    except Exception:
        # A crashed task must be visible in the log, not a silently missing sweep.
        name = getattr(task, "__name__", repr(task))
        logger.exception("background task %s stopped with an error", name)


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    register_handlers: Callable[[EventConsumer], None] | None = None,
    transport: Transport | None = None,
    version: str = "0.1.0",
    background_tasks: Sequence[BackgroundTask] = (),
    middleware: Sequence[Middleware] = (),
) -> FastAPI:
    """Build a service's app. Pass ``transport`` to share one that the caller starts
    and closes (all-in-one mode); otherwise the app builds, starts and closes its own.
    Each of ``background_tasks`` is started with the relay and cancelled on shutdown;
    ``middleware`` runs inside the chassis's (see ``create_base_app``)."""
    service = settings.service_name
    owns_transport = transport is None
    the_transport = (
        transport if transport is not None else build_transport(settings.common, service)
    )
    database = Database(
        settings.database_url,
        pool_size=settings.database_pool_size,
        application_name=service,
        pre_ping=settings.database_pre_ping,
    )
    metrics = ServiceMetrics(service)
    outbox = Outbox(source=f"/agora/{service}")
    relay = OutboxRelay(database, the_transport, metrics, poll_seconds=settings.outbox_poll_seconds)
    outbox.notify_on_commit(relay.wake)
    provider = tracer_provider(service)
    consumer = EventConsumer(
        database,
        metrics,
        group=service,
        max_attempts=settings.event_max_attempts,
        retry_base_seconds=settings.event_retry_base_seconds,
        tracer_provider=provider,
    )
    if register_handlers is not None:
        register_handlers(consumer)
    runtime = ServiceRuntime(settings, database, metrics, the_transport, outbox, relay, consumer)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if owns_transport:
            await the_transport.start()
        relay.start()
        await consumer.start(the_transport)
        tasks = [
            asyncio.create_task(_run_background(task, runtime), name=f"{service}-background")
            for task in background_tasks
        ]
        try:
            yield
        finally:
            for running in tasks:
                running.cancel()
            for running in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await running
            await consumer.stop()
            await relay.stop()
            if owns_transport:
                await the_transport.close()
            await verifier.aclose()
            await database.dispose()

    verifier = JWKSVerifier(
        JWTConfig(
            jwks_url=settings.common.jwks_url,
            issuer=settings.common.jwt_issuer,
            audience=settings.common.jwt_audience,
        )
    )
    app = create_base_app(
        service,
        title=title,
        description=description,
        version=version,
        metrics=metrics,
        max_body_bytes=settings.common.max_body_bytes,
        readiness_checks={"database": database.ping, "events": the_transport.check},
        lifespan=lifespan,
        routers=routers,
        provider=provider,
        middleware=middleware,
    )
    token = settings.common.service_token.get_secret_value()
    app.state.service_token = token.encode()
    # Outermost: the request context, limits and access log see the real client.
    app.add_middleware(GatewayForwarded, token=token, trusted_proxies=settings.trusted_proxies)
    app.state.runtime = runtime
    app.state.database = database
    app.state.outbox = outbox
    app.state.jwks_verifier = verifier
    instrument_app(app, provider, database.engine)
    return app


def create_base_app(
    service: str,
    *,
    title: str,
    description: str,
    version: str,
    metrics: ServiceMetrics,
    max_body_bytes: int,
    readiness_checks: Mapping[str, Check],
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    routers: Sequence[APIRouter] = (),
    provider: TracerProvider | None = None,
    api_docs: bool = True,
    middleware: Sequence[Middleware] = (),
) -> FastAPI:
    """What every HTTP part of the fleet has, the gateway included: problem+json
    errors, request ids and access logs, the body limit, metrics, tracing, health.

    ``api_docs=False`` leaves out FastAPI's own ``/openapi.json``, ``/docs`` and
    ``/redoc`` (the gateway serves merged ones). ``middleware`` runs inside the request
    context and the metrics (so its answers carry the request id and are counted) and
    outside the body limit, the first listed outermost."""
    provider = provider or tracer_provider(service)

    @asynccontextmanager
    async def with_tracing(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with lifespan(app):
                yield
        finally:
            provider.shutdown()

    docs_urls: dict[str, str | None] = (
        {} if api_docs else {"openapi_url": None, "docs_url": None, "redoc_url": None}
    )
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=with_tracing,
        **docs_urls,  # type: ignore[arg-type]
    )
    app.state.service_name = service
    app.state.readiness_checks = dict(readiness_checks)
    app.state.tracer_provider = provider
    install_problem_handlers(app)
    app.include_router(health.router)
    app.add_route("/metrics", metrics_endpoint(metrics), include_in_schema=False)
    for router in routers:
        app.include_router(router)
    instrument_app(app, provider)
    # Our own limit, not FastAPI's max_body_size: its announced-size 413 is plain text.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes)
    for extra in reversed(middleware):
        app.add_middleware(extra.cls, *extra.args, **extra.kwargs)
    app.add_middleware(MetricsMiddleware, metrics=metrics, router_app=app)
    app.add_middleware(RequestContextMiddleware, service=service)
    return app


def get_outbox(request: Request) -> Outbox:
    outbox: Outbox = request.app.state.outbox
    return outbox


OutboxDep = Annotated[Outbox, Depends(get_outbox)]
