"""``create_service_app``: one call that gives a service everything the fleet shares.

Problem+json errors, request ids and JSON logs, the body size limit, RED metrics,
tracing, ``/healthz`` ``/readyz`` ``/metrics``, the database, the outbox and its
relay, the event consumer, and JWT verification for the auth dependencies. A service
brings its context (built from the chassis's runtime), its routers, its table of
event handlers, its start-up and shut-down steps and its background tasks; nothing
else differs between services (ADR 0085).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.middleware import Middleware

from agora_contracts.events import EventPayload
from agora_kit import health
from agora_kit.auth import JWKSVerifier, JWTConfig
from agora_kit.db import Database, DatabaseTimeouts
from agora_kit.errors import install_problem_handlers
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.outbox import Outbox
from agora_kit.events.relay import OutboxRelay
from agora_kit.events.transport import Transport
from agora_kit.health import Check
from agora_kit.idempotency import forget_old_keys_forever
from agora_kit.metrics import MetricsMiddleware, ServiceMetrics, metrics_endpoint
from agora_kit.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from agora_kit.openapi import document_problems_as_sent, operation_id
from agora_kit.routes import add_routes
from agora_kit.serving import GatewayForwarded
from agora_kit.settings import CommonSettings, ServiceSettings
from agora_kit.tracing import instrument_app, tracer_provider

API_PREFIX = "/api/v1"

logger = logging.getLogger("agora.app")


def build_transport(
    common: CommonSettings, client_id: str = "agora", *, trims_log: bool = True
) -> Transport:
    """The transport ``common`` names; ``trims_log=False`` for a process that only
    follows the in-process log and leaves its retention (ADR 0094) to the services."""
    if common.event_transport == "kafka":
        from agora_kit.events.kafka import KafkaTransport

        return KafkaTransport(
            common.kafka_bootstrap_servers,
            client_id=client_id,
            partitions=common.kafka_partitions,
            replication_factor=common.kafka_replication_factor,
        )
    from agora_kit.events.inprocess import InProcessTransport

    return InProcessTransport.from_settings(common, trims=trims_log)


@dataclass
class ServiceRuntime:
    """What the chassis builds for a running service, before anything of the service's
    own: reachable from routes as ``request.app.state.runtime``."""

    settings: ServiceSettings
    database: Database
    metrics: ServiceMetrics
    transport: Transport
    outbox: Outbox
    relay: OutboxRelay
    consumer: EventConsumer


C = TypeVar("C")

# An event handler: the service's context, the consumer's session (the transaction of
# the event's inbox row, ADR 0006), the payload and its envelope.
EventHandler = Callable[[C, AsyncSession, Any, CloudEvent], Awaitable[None]]
# A start-up or shut-down step, or a long-running background task (a periodic sweep).
Hook = Callable[[C], Awaitable[None]]


async def _run_background(task: Hook[C], context: C) -> None:
    try:
        await task(context)
    except asyncio.CancelledError:
        raise
    except Exception:
        # A crashed task must be visible in the log, not a silently missing sweep.
        name = getattr(task, "__name__", repr(task))
        logger.exception("background task %s stopped with an error", name)


def _subscribe(
    consumer: EventConsumer, context: C, handlers: Mapping[type[EventPayload], EventHandler[C]]
) -> None:
    for payload_type, handler in handlers.items():

        async def handle(
            session: AsyncSession,
            payload: Any,
            event: CloudEvent,
            handler: EventHandler[C] = handler,
        ) -> None:
            await handler(context, session, payload, event)

        handle.__name__ = getattr(handler, "__name__", "handle")
        consumer.on(payload_type)(handle)


@dataclass
class _Lifespan(Generic[C]):
    """A service's life: the chassis's parts started, the service's start-up steps and
    background tasks; on shutdown the reverse."""

    runtime: ServiceRuntime
    context: C
    verifier: JWKSVerifier
    owns_transport: bool
    on_startup: Sequence[Hook[C]]
    on_shutdown: Sequence[Hook[C]]
    background_tasks: Sequence[Hook[C]]

    @asynccontextmanager
    async def run(self, app: FastAPI) -> AsyncIterator[None]:
        runtime, service = self.runtime, self.runtime.settings.service_name
        if self.owns_transport:
            await runtime.transport.start()
        runtime.relay.start()
        await runtime.consumer.start(runtime.transport)
        tasks: list[asyncio.Task[None]] = []
        try:
            for step in self.on_startup:
                await step(self.context)
            tasks = [
                asyncio.create_task(
                    _run_background(task, self.context),
                    name=f"{service}-{getattr(task, '__name__', 'background')}",
                )
                for task in self.background_tasks
            ]
            yield
        finally:
            await self._stop(tasks)

    async def _stop(self, tasks: list[asyncio.Task[None]]) -> None:
        for running in tasks:
            running.cancel()
        for running in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await running
        for step in self.on_shutdown:
            try:
                await step(self.context)
            except Exception:
                logger.exception("shutdown step %s failed", getattr(step, "__name__", step))
        await self.runtime.consumer.stop()
        await self.runtime.relay.stop()
        if self.owns_transport:
            await self.runtime.transport.close()
        await self.verifier.aclose()
        await self.runtime.database.dispose()


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    context: Callable[[ServiceRuntime], C],
    routers: Sequence[APIRouter] = (),
    handlers: Mapping[type[EventPayload], EventHandler[C]] | None = None,
    background_tasks: Sequence[Hook[C]] = (),
    on_startup: Sequence[Hook[C]] = (),
    on_shutdown: Sequence[Hook[C]] = (),
    readiness_checks: Callable[[C], Mapping[str, Check]] | None = None,
    verifier: Callable[[C], JWKSVerifier] | None = None,
    idempotency_keys: bool = False,
    transport: Transport | None = None,
    version: str = "0.1.0",
    middleware: Sequence[Middleware] = (),
    larger_bodies: Mapping[str, int] | None = None,
    database_settings: Mapping[str, str] | None = None,
) -> FastAPI:
    """Build a service's app, in this order (ADR 0085): the chassis's runtime (database,
    metrics, outbox and relay, consumer); then the service's ``context``, built from
    that runtime and reachable from routes as ``request.app.state.context``; then the
    ``handlers`` table (event type → handler), subscribed with that context.

    On start the chassis starts the transport, relay and consumer, runs ``on_startup``
    in order and starts each of ``background_tasks``; on shutdown it cancels the tasks,
    runs ``on_shutdown`` in order and stops its own parts. Each hook and task gets the
    context. ``readiness_checks`` adds the service's checks to ``/readyz``;
    ``verifier`` replaces the JWKS verifier of the auth dependencies;
    ``idempotency_keys`` runs the sweep that forgets old idempotency keys (ADR 0046).
    Pass ``transport`` to share one that the caller starts and closes (all-in-one
    mode); otherwise the app builds, starts and closes its own. ``middleware`` runs
    inside the chassis's (see ``create_base_app``). ``larger_bodies`` raises the body
    limit for some routes (an upload's: ``{"POST /api/v1/products/*/images": bytes}``).
    ``database_settings``: PostgreSQL settings each of the database's connections
    starts with."""
    service = settings.service_name
    owns_transport = transport is None
    events = transport if transport is not None else build_transport(settings.common, service)
    database = Database(
        settings.database_url,
        pool_size=settings.database_pool_size,
        application_name=service,
        pre_ping=settings.database_pre_ping,
        idle_seconds=settings.database_pool_idle_seconds,
        timeouts=DatabaseTimeouts.of(settings),
        server_settings=database_settings,
    )
    metrics = ServiceMetrics(service)
    outbox = Outbox(source=f"/agora/{service}")
    relay = OutboxRelay(
        database,
        events,
        metrics,
        poll_seconds=settings.outbox_poll_seconds,
        retention=timedelta(days=settings.outbox_retention_days),
        inbox_retention=timedelta(days=settings.inbox_retention_days),
    )
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
    runtime = ServiceRuntime(settings, database, metrics, events, outbox, relay, consumer)
    service_context = context(runtime)
    _subscribe(consumer, service_context, handlers or {})
    the_verifier = (
        verifier(service_context)
        if verifier is not None
        else JWKSVerifier(
            JWTConfig(
                jwks_url=settings.common.jwks_url,
                issuer=settings.common.jwt_issuer,
                audience=settings.common.jwt_audience,
                clock_skew_seconds=settings.common.jwt_clock_skew_seconds,
            )
        )
    )

    tasks_of_service: list[Hook[C]] = list(background_tasks)
    if idempotency_keys:

        async def forget_idempotency_keys(_: C) -> None:
            await forget_old_keys_forever(database)

        tasks_of_service.append(forget_idempotency_keys)
    lifespan = _Lifespan(
        runtime,
        service_context,
        the_verifier,
        owns_transport=owns_transport,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        background_tasks=tasks_of_service,
    )

    checks: dict[str, Check] = {"database": database.ping, "events": events.check}
    if readiness_checks is not None:
        checks.update(readiness_checks(service_context))
    app = create_base_app(
        service,
        title=title,
        description=description,
        version=version,
        metrics=metrics,
        max_body_bytes=settings.common.max_body_bytes,
        larger_bodies=larger_bodies,
        readiness_checks=checks,
        lifespan=lifespan.run,
        routers=routers,
        provider=provider,
        middleware=middleware,
    )
    token = settings.common.service_token.get_secret_value()
    app.state.service_token = token.encode()
    # Outermost: the request context, limits and access log see the real client.
    app.add_middleware(GatewayForwarded, token=token, trusted_proxies=settings.trusted_proxies)
    app.state.runtime = runtime
    app.state.context = service_context
    app.state.database = database
    app.state.outbox = outbox
    app.state.jwks_verifier = the_verifier
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
    larger_bodies: Mapping[str, int] | None = None,
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
        # FastAPI's own telemetry stays off: tracing is the instrumentation's of
        # agora_kit.tracing, which records only when something receives the spans,
        # and metrics are the service's Prometheus registry (ADR 0089).
        telemetry={"tracing": False, "metrics": False, "logs": False},
        generate_unique_id_function=operation_id,
        **docs_urls,  # type: ignore[arg-type]
    )
    app.state.service_name = service
    app.state.readiness_checks = dict(readiness_checks)
    app.state.tracer_provider = provider
    install_problem_handlers(app)
    document_problems_as_sent(app)
    add_routes(app.router, health.router)
    app.add_route("/metrics", metrics_endpoint(metrics), include_in_schema=False)
    for router in routers:
        add_routes(app.router, router)
    instrument_app(app, provider)
    # Our own limit, not FastAPI's max_body_size: its announced-size 413 is plain text.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes, larger=larger_bodies)
    for extra in reversed(middleware):
        app.add_middleware(extra.cls, *extra.args, **extra.kwargs)
    app.add_middleware(MetricsMiddleware, metrics=metrics, router_app=app)
    app.add_middleware(RequestContextMiddleware, service=service)
    return app


async def get_outbox(request: Request) -> Outbox:
    outbox: Outbox = request.app.state.outbox
    return outbox


OutboxDep = Annotated[Outbox, Depends(get_outbox)]
