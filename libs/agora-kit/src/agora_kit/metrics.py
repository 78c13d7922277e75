"""Prometheus metrics: RED metrics per route template, and the event pipeline's health.

Each service has its own registry, so in all-in-one mode, where every service shares
a process, each ``/metrics`` shows its own service only. Every series carries a
``service`` label so one Prometheus job can scrape the fleet either way.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import ClassVar, Self

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute, iter_route_contexts
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora_kit.db import Database, after_commit

UNMATCHED_ROUTE = "__unmatched__"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.http_requests = Counter(
            "agora_http_requests_total",
            "HTTP requests handled, by route template and status code",
            ["service", "method", "route", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "agora_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            ["service", "method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.http_in_flight = Gauge(
            "agora_http_requests_in_flight", "Requests being handled", ["service"], registry=r
        )
        self.events_published = Counter(
            "agora_events_published_total",
            "Events the outbox relay handed to the transport",
            ["service", "topic"],
            registry=r,
        )
        self.publish_failures = Counter(
            "agora_events_publish_failures_total",
            "Attempts to publish an outbox row that failed (it stays and is retried)",
            ["service", "topic"],
            registry=r,
        )
        self.outbox_backlog = Gauge(
            "agora_outbox_backlog",
            "Outbox rows written but not yet published",
            ["service"],
            registry=r,
        )
        self.outbox_oldest_age = Gauge(
            "agora_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox row (0 when empty)",
            ["service"],
            registry=r,
        )
        self.events_consumed = Counter(
            "agora_events_consumed_total",
            "Events delivered to this service, by outcome "
            "(handled, duplicate, ignored, retried, redelivered, dead_lettered)",
            ["service", "topic", "event_type", "outcome"],
            registry=r,
        )
        self.event_handle_duration = Histogram(
            "agora_event_handle_duration_seconds",
            "Time to handle one event, inbox and effect in one transaction",
            ["service", "event_type"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.consumer_lag = Gauge(
            "agora_consumer_lag_messages",
            "Messages on a topic not yet handled by this service",
            ["service", "topic"],
            registry=r,
        )
        self.dead_letters = Counter(
            "agora_events_dead_lettered_total",
            "Events moved to the dead-letter table after their last failed attempt",
            ["service", "topic", "event_type"],
            registry=r,
        )

    def set_lag(self, topic: str, lag: int) -> None:
        self.consumer_lag.labels(self.service, topic).set(lag)


def _route_template(app: FastAPI, served: Scope, before_routing: Scope) -> str:
    """The path template of the route that serves the request (``/api/v1/items/{id}``),
    never the raw path, so label cardinality stays bounded.

    The app's routes are one flat list (ADR 0105), so the route routing chose
    (``scope["route"]``) holds the whole template. A request no API route took (404,
    405, a mount) is matched the long way against the scope as sent; a method mismatch
    still names its route."""
    route = served.get("route")
    if isinstance(route, APIRoute | APIWebSocketRoute):
        return route.path
    partial: str | None = None
    for candidate in iter_route_contexts(app.routes):
        match, _ = candidate.matches(before_routing)
        if match == Match.FULL:
            return candidate.path or UNMATCHED_ROUTE
        if match == Match.PARTIAL and partial is None:
            partial = candidate.path
    return partial or UNMATCHED_ROUTE


# A handler that serves many paths itself (the gateway's proxy) names the template of
# the request it served in ``scope["state"][ROUTE_OVERRIDE]``; it replaces the label.
ROUTE_OVERRIDE = "metrics_route"


class MetricsMiddleware:
    """Pure ASGI middleware: counts and times every HTTP request by route template."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics, router_app: FastAPI) -> None:
        self.app = app
        self.metrics = metrics
        self.router_app = router_app
        self.in_flight = metrics.http_in_flight.labels(metrics.service)
        # The series of each (method, route template, status), found once: a labels()
        # lookup validates and locks on every call (ADR 0121). Templates are bounded.
        self.series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        # Routing and mounts rewrite the scope: the long way matches the scope as sent.
        before_routing = dict(scope)
        m = self.metrics
        self.in_flight.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.in_flight.dec()
            route = scope.get("state", {}).get(ROUTE_OVERRIDE) or _route_template(
                self.router_app, scope, before_routing
            )
            method = scope["method"]
            series = self.series.get((method, route, status))
            if series is None:
                series = self.series[method, route, status] = (
                    m.http_requests.labels(m.service, method, route, str(status)),
                    m.http_duration.labels(m.service, method, route),
                )
            requests, duration = series
            requests.inc()
            duration.observe(time.perf_counter() - started)


def metrics_endpoint(metrics: ServiceMetrics) -> Callable[[Request], Awaitable[Response]]:
    async def metrics_view(request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics_view


class SessionMetrics:
    """A service's business metrics, carried by every session of its database
    (``session.info``), so a step counts the same whichever route, event handler or
    sweep runs it. A count is made when the transaction that did the work commits: work
    rolled back counts nothing. Subclasses name their ``session_key`` and add counters
    to ``metrics.registry``."""

    session_key: ClassVar[str]

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.service = metrics.service

    def install(self, database: Database) -> None:
        """Count what the sessions of ``database`` commit."""
        database.sessionmaker.configure(info={self.session_key: self})

    @classmethod
    def of(cls, session: AsyncSession) -> Self | None:
        """The metrics ``session`` carries; None when its database has none installed."""
        metrics = session.info.get(cls.session_key)
        return metrics if isinstance(metrics, cls) else None

    @classmethod
    def count(cls, session: AsyncSession, count: Callable[[Self], None]) -> None:
        """Call ``count`` with the session's metrics once its transaction commits."""
        metrics = cls.of(session)
        if metrics is not None:
            after_commit(session, lambda: count(metrics))
