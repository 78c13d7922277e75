"""OpenTelemetry tracing from the standard ``OTEL_*`` variables, with W3C propagation.

Spans are exported over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or the traces
variant) is set and ``OTEL_TRACES_EXPORTER`` is not ``none``, sampled as
``OTEL_TRACES_SAMPLER`` says (by default every trace the caller did not decline;
``parentbased_traceidratio`` with ``OTEL_TRACES_SAMPLER_ARG=0.1`` keeps one in ten).
Otherwise nothing is recorded: no span per SQL statement (ADR 0083) and no request
span either, only an unrecorded one carrying the caller's trace id or a new one, so
trace ids still reach the logs and the ``traceparent`` of outgoing calls and events
(ADR 0089). Each service gets a tracer provider of its own, so in all-in-one mode
every span still names the service that made it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, cast

from fastapi import FastAPI
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.context import Context
from opentelemetry.instrumentation.asgi import asgi_getter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import get_meter
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, Sampler, SamplingResult
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send


def _exporter() -> SpanExporter | None:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    if os.environ.get("OTEL_TRACES_EXPORTER", "otlp").lower() == "none":
        return None
    if not (
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


class _RecordWhenProcessed(Sampler):
    """The configured sampler once a span processor is attached, before that none:
    an unrecorded span still carries its (new or inherited) trace id."""

    def __init__(self, configured: Sampler) -> None:
        self.configured = configured
        self.processed = False

    def should_sample(  # noqa: PLR0917 (the SDK's signature)
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        sampler = self.configured if self.processed else ALWAYS_OFF
        return sampler.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"RecordWhenProcessed{{{self.configured.get_description()}}}"


class _Provider(TracerProvider):
    """Records spans only once something receives them (an exporter, or a test's)."""

    def __init__(self, resource: Resource) -> None:
        super().__init__(resource=resource)
        self.switch = _RecordWhenProcessed(self.sampler)
        self.sampler = self.switch

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        self.switch.processed = True


def tracer_provider(service: str) -> TracerProvider:
    """A provider for one service; the resource also reads ``OTEL_RESOURCE_ATTRIBUTES``."""
    propagate.set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
    )
    name = os.environ.get("OTEL_SERVICE_NAME") or f"agora-{service}"
    provider = _Provider(Resource.create({SERVICE_NAME: name}))
    exporter = _exporter()
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        # The first service to start becomes the default for code outside any app.
        trace.set_tracer_provider(provider)
    return provider


def instrument_app(
    app: FastAPI,
    provider: TracerProvider,
    engine: AsyncEngine | None = None,
    *,
    sql: bool | None = None,
) -> None:
    """Trace HTTP in (and SQL, given the engine); calling it again with the engine
    only adds the SQL part. ``sql``: trace each statement; by default only when the
    provider already records spans (something receives them), as no processor is
    attached later outside tests."""
    if engine is not None:
        records = isinstance(provider, _Provider) and provider.switch.processed
        if not (sql if sql is not None else records):
            return
        # Per engine, not SQLAlchemyInstrumentor().instrument(): that one is a process-
        # wide singleton, so in all-in-one mode only the first service got SQL spans.
        EngineTracer(  # type: ignore[no-untyped-call]
            provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"),
            engine.sync_engine,
            get_meter("agora.db").create_up_down_counter(
                "db.client.connections.usage", unit="connections"
            ),
        )
        return
    plain = app.build_middleware_stack
    # One span per request: not also one per ASGI message received and sent, which
    # say nothing the request's span does not and cost a span each (ADR 0084).
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls="healthz,readyz,metrics",
        exclude_spans=["receive", "send"],
    )
    traced = app.build_middleware_stack
    if isinstance(provider, _Provider):

        def build_middleware_stack() -> ASGIApp:
            return _TraceSwitch(provider, traced=traced(), plain=plain())

        app.build_middleware_stack = build_middleware_stack  # type: ignore[method-assign]


class _TraceSwitch:
    """Runs a request through the instrumented stack while the provider records spans,
    otherwise through the plain stack under an unrecorded span that carries the
    caller's trace id (or a new one) for the logs, outgoing calls and events: the same
    trace context without building a span and its attributes nobody receives, nor
    matching the route a second time to name it (ADR 0089)."""

    def __init__(self, provider: _Provider, *, traced: ASGIApp, plain: ASGIApp) -> None:
        self.switch = provider.switch
        # ``app``, the next app down as in any middleware: FastAPI looks down the stack
        # for the instrumentation's middleware and then adds no spans of its own.
        self.app = self.traced = traced
        self.plain = plain
        self.ids = RandomIdGenerator()
        # The headers the propagators read (the composite builds the set on each ask):
        # set up by tracer_provider() before any middleware stack is built.
        self.fields = frozenset(name.encode() for name in propagate.get_global_textmap().fields)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.switch.processed:
            await self.traced(scope, receive, send)
            return
        if scope["type"] not in ("http", "websocket"):
            await self.plain(scope, receive, send)
            return
        # A request without a header the propagators read has no caller's context:
        # what extracting would give, without the propagators' header scans.
        caller = (
            propagate.extract(cast("dict[str, Any]", scope), getter=asgi_getter)
            if any(name in self.fields for name, _ in scope["headers"])
            else Context()
        )
        parent = trace.get_current_span(caller).get_span_context()
        span = NonRecordingSpan(
            SpanContext(
                trace_id=parent.trace_id if parent.is_valid else self.ids.generate_trace_id(),
                span_id=self.ids.generate_span_id(),
                is_remote=False,
                trace_state=parent.trace_state if parent.is_valid else None,
            )
        )
        token = otel_context.attach(trace.set_span_in_context(span, caller))
        try:
            await self.plain(scope, receive, send)
        finally:
            otel_context.detach(token)
