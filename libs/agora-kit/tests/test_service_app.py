"""A service built with create_service_app, end to end on real PostgreSQL: a request
writes a row and its event in one transaction, the relay publishes it, the consumer
handles it in the request's trace."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, String, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from agora_contracts.events import EventPayload
from agora_kit.app import EventHandler, OutboxDep, ServiceRuntime, create_service_app
from agora_kit.db import Database, SessionDep, new_metadata
from agora_kit.errors import install_problem_handlers
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.events.tables import outbox
from agora_kit.settings import CommonSettings, ServiceSettings
from agora_kit.testing.fixtures import PostgresServer

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class Base(DeclarativeBase):
    metadata = new_metadata()


class Gadget(Base):
    __tablename__ = "gadgets"
    id = Column(Integer, primary_key=True)
    name = Column(String, nullable=False)


class GadgetMade(EventPayload):
    event_type = "agora.test.gadget.made.v1"
    topic = "agora.test.gadget.v1"
    gadget_id: int
    name: str


class GadgetIn(BaseModel):
    name: str = Field(min_length=1)
    weight_grams: int = Field(gt=0)


router = APIRouter()


@router.post("/gadgets", status_code=201)
async def make_gadget(body: GadgetIn, session: SessionDep, events: OutboxDep) -> dict[str, Any]:
    gadget_id = await session.scalar(insert(Gadget).values(name=body.name).returning(Gadget.id))
    assert gadget_id is not None
    await events.add(session, GadgetMade(gadget_id=gadget_id, name=body.name), key=str(gadget_id))
    return {"id": gadget_id}


seen: list[tuple[int, str]] = []


async def on_made(
    context: ServiceRuntime, session: AsyncSession, payload: GadgetMade, event: CloudEvent
) -> None:
    trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
    seen.append((payload.gadget_id, trace_id))


HANDLED: dict[type[EventPayload], EventHandler[ServiceRuntime]] = {GadgetMade: on_made}


@pytest.fixture
async def app(postgres_server: PostgresServer) -> AsyncIterator[FastAPI]:
    service_db = await postgres_server.create_database("svc")
    events_db = await postgres_server.create_database("events")
    settings = ServiceSettings(
        service_name="gadgets",
        database_url=postgres_server.url(service_db),
        outbox_poll_seconds=0.1,
        common=CommonSettings(events_database_url=postgres_server.url(events_db)),
    )
    application = create_service_app(
        settings,
        title="Gadgets",
        description="A test service",
        routers=[router],
        context=lambda runtime: runtime,
        handlers=HANDLED,
    )
    async with application.state.database.engine.begin() as conn:
        await conn.run_sync(event_metadata.create_all)
        await conn.run_sync(Base.metadata.create_all)
    yield application
    await postgres_server.drop_database(service_db)
    await postgres_server.drop_database(events_db)


async def counts(app: FastAPI) -> tuple[int, int]:
    async with app.state.database.transaction() as session:
        gadgets = await session.scalar(select(func.count()).select_from(Gadget))
        events = await session.scalar(select(func.count()).select_from(outbox))
    return int(gadgets or 0), int(events or 0)


async def test_a_request_writes_its_event_and_the_consumer_handles_it_in_the_same_trace(
    app: FastAPI,
) -> None:
    exporter = InMemorySpanExporter()
    app.state.tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    seen.clear()
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
        ) as client,
    ):
        response = await client.post(
            "/gadgets",
            json={"name": "lamp", "weight_grams": 800},
            headers={"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"},
        )
        assert response.status_code == 201, response.text
        gadget_id = response.json()["id"]
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.05)
    assert seen == [(gadget_id, TRACE_ID)]
    consume_spans = [s for s in exporter.get_finished_spans() if s.name.startswith("consume ")]
    assert consume_spans, "the consumer must record a span"
    assert format(consume_spans[0].context.trace_id, "032x") == TRACE_ID
    resource = consume_spans[0].resource.attributes
    assert resource["service.name"] == "agora-gadgets"


async def test_a_malformed_body_gets_422_naming_the_field_and_writes_nothing(
    app: FastAPI,
) -> None:
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
        ) as client,
    ):
        response = await client.post("/gadgets", json={"name": "", "weight_grams": "heavy"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert {e["name"] for e in problem["errors"]} == {"body.name", "body.weight_grams"}
    assert await counts(app) == (0, 0)


async def test_a_lost_database_connection_costs_one_503_and_then_reconnects(
    postgres_server: PostgresServer,
) -> None:
    """Connections are not pinged before each use (a round trip per request); when the
    server drops them (a restart, a failover), the request that meets a dead one gets a
    503 to retry, and the pool reconnects for the next."""
    name = await postgres_server.create_database("lost")
    database = Database(postgres_server.url(name), pool_size=1)
    probe = FastAPI()
    install_problem_handlers(probe)
    probe.state.database = database

    @probe.get("/now")
    async def now(session: SessionDep) -> dict[str, str]:
        return {"now": str(await session.scalar(text("SELECT now()")))}

    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=probe), base_url="http://test"
        ) as client:
            assert (await client.get("/now")).status_code == 200
            admin = await asyncpg.connect(postgres_server.dsn("postgres"))
            try:
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = $1 AND pid <> pg_backend_pid()",
                    name,
                )
            finally:
                await admin.close()
            lost = await client.get("/now")
            assert lost.status_code == 503, lost.text
            assert lost.headers["content-type"] == "application/problem+json"
            assert lost.headers["retry-after"] == "1"
            assert (await client.get("/now")).status_code == 200
    finally:
        await database.dispose()
        await postgres_server.drop_database(name)


@dataclass
class Workshop:
    """A service's context, built from the chassis's runtime."""

    runtime: ServiceRuntime
    steps: list[str] = field(default_factory=list)
    swept: asyncio.Event = field(default_factory=asyncio.Event)


async def open_workshop(context: Workshop) -> None:
    context.steps.append("startup")


async def close_workshop(context: Workshop) -> None:
    context.steps.append("shutdown")


async def sweep(context: Workshop) -> None:
    # Background tasks start after the start-up steps.
    context.steps.append("task")
    context.swept.set()
    await asyncio.Event().wait()


async def broken_check() -> None:
    raise RuntimeError("the workshop is closed")


async def test_the_runtime_exists_before_the_context_and_the_hooks_run_in_order(
    postgres_server: PostgresServer,
) -> None:
    service_db = await postgres_server.create_database("workshop")
    events_db = await postgres_server.create_database("workshop_events")
    settings = ServiceSettings(
        service_name="workshop",
        database_url=postgres_server.url(service_db),
        common=CommonSettings(events_database_url=postgres_server.url(events_db)),
    )
    application = create_service_app(
        settings,
        title="Workshop",
        description="A test service",
        context=Workshop,
        on_startup=[open_workshop],
        on_shutdown=[close_workshop],
        background_tasks=[sweep],
        readiness_checks=lambda context: {"workshop": broken_check},
    )
    context = application.state.context
    assert isinstance(context, Workshop)
    assert context.runtime is application.state.runtime
    assert context.runtime.outbox is application.state.outbox
    async with (
        LifespanManager(application) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
        ) as client,
    ):
        await asyncio.wait_for(context.swept.wait(), 10)
        assert context.steps == ["startup", "task"]
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["workshop"] != "ok"
        assert ready.json()["checks"]["database"] == "ok"
    assert context.steps == ["startup", "task", "shutdown"]
    await postgres_server.drop_database(service_db)
    await postgres_server.drop_database(events_db)
