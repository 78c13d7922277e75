"""SQL spans per service: in all-in-one mode several services share a process, and each
one's queries must be traced under its own name."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import text

from agora_kit.db import Database
from agora_kit.testing.fixtures import PostgresServer
from agora_kit.tracing import instrument_app, tracer_provider


async def test_each_service_traces_its_own_sql(postgres_server: PostgresServer) -> None:
    exporters: dict[str, InMemorySpanExporter] = {}
    databases: dict[str, Database] = {}
    for service in ("alpha", "beta"):
        provider = tracer_provider(service)
        exporters[service] = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(exporters[service]))
        databases[service] = Database(postgres_server.url("postgres"))
        instrument_app(FastAPI(), provider, databases[service].engine, sql=True)
    try:
        for service, database in databases.items():
            async with database.engine.connect() as conn:
                await conn.execute(text(f"SELECT '{service}'"))
    finally:
        for database in databases.values():
            await database.dispose()
    for service, exporter in exporters.items():
        spans = exporter.get_finished_spans()
        statements = [str(s.attributes.get("db.statement", "")) for s in spans if s.attributes]
        assert any(f"SELECT '{service}'" in st for st in statements), (service, statements)
        assert all(s.resource.attributes["service.name"] == f"agora-{service}" for s in spans)


async def test_without_an_exporter_no_statement_is_traced(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No span per SQL statement that nobody would receive: the provider exports
    nothing (no OTLP endpoint) when the engine is instrumented, so it gets no
    listeners; a processor attached afterwards sees no statement."""
    for variable in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(variable, raising=False)
    provider = tracer_provider("gamma")
    database = Database(postgres_server.url("postgres"))
    instrument_app(FastAPI(), provider, database.engine)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        async with database.engine.connect() as conn:
            await conn.execute(text("SELECT 'gamma'"))
    finally:
        await database.dispose()
    assert exporter.get_finished_spans() == ()


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


async def _seen_span(provider: TracerProvider, traceparent: str | None) -> tuple[bool, str]:
    """(is the request's span recorded, its trace id) inside an instrumented route."""
    app = FastAPI()
    seen: list[tuple[bool, str]] = []

    @app.get("/thing")
    async def thing() -> dict[str, str]:
        span = trace.get_current_span()
        seen.append((span.is_recording(), format(span.get_span_context().trace_id, "032x")))
        return {}

    instrument_app(app, provider)
    headers = {"traceparent": traceparent} if traceparent else {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        assert (await client.get("/thing", headers=headers)).status_code == 200
    return seen[0]


def _no_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(variable, raising=False)


async def test_without_an_exporter_requests_keep_trace_ids_but_record_no_span(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _no_exporter(monkeypatch)
    provider = tracer_provider("delta")
    recorded, trace_id = await _seen_span(provider, f"00-{TRACE_ID}-00f067aa0ba902b7-01")
    assert (recorded, trace_id) == (False, TRACE_ID)
    recorded, trace_id = await _seen_span(provider, None)
    assert not recorded
    assert trace_id != "0" * 32

    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    recorded, trace_id = await _seen_span(provider, f"00-{TRACE_ID}-00f067aa0ba902b7-01")
    assert (recorded, trace_id) == (True, TRACE_ID)
    assert {format(s.context.trace_id, "032x") for s in exporter.get_finished_spans()} == {TRACE_ID}


async def test_a_request_is_one_server_span_without_spans_per_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _no_exporter(monkeypatch)
    provider = tracer_provider("zeta")
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    await _seen_span(provider, None)
    spans = exporter.get_finished_spans()
    assert [(s.name, s.kind) for s in spans] == [("GET /thing", SpanKind.SERVER)]


async def test_the_configured_sampler_decides_once_spans_are_received(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """OTEL_TRACES_SAMPLER=parentbased_traceidratio: new traces kept at the ratio (0
    here), traces the caller sampled are followed."""
    _no_exporter(monkeypatch)
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0")
    provider = tracer_provider("epsilon")
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    assert (await _seen_span(provider, None))[0] is False
    assert await _seen_span(provider, f"00-{TRACE_ID}-00f067aa0ba902b7-01") == (True, TRACE_ID)
    assert (await _seen_span(provider, f"00-{TRACE_ID}-00f067aa0ba902b7-00"))[0] is False
