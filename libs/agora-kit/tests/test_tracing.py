"""SQL spans per service: in all-in-one mode several services share a process, and each
one's queries must be traced under its own name."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
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
    nothing (no OTLP endpoint), so the engine gets no listeners."""
    for variable in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(variable, raising=False)
    provider = tracer_provider("gamma")
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    database = Database(postgres_server.url("postgres"))
    instrument_app(FastAPI(), provider, database.engine)
    try:
        async with database.engine.connect() as conn:
            await conn.execute(text("SELECT 'gamma'"))
    finally:
        await database.dispose()
    assert exporter.get_finished_spans() == ()
