"""Every service comes up on the chassis the same way: migrated database, event
transport, health, readiness, metrics and an OpenAPI document."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families

from agora_kit import migrations
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.settings import CommonSettings
from agora_kit.testing.fixtures import PostgresServer

SERVICES = ["user", "catalog", "order", "payment", "notification"]
PORTS = {"user": 8001, "catalog": 8002, "order": 8003, "payment": 8004, "notification": 8005}


@pytest.fixture(scope="module")
async def events_transport(postgres_server: PostgresServer) -> AsyncIterator[InProcessTransport]:
    name = await postgres_server.create_database("events")
    transport = InProcessTransport(postgres_server.url(name))
    await transport.start()
    yield transport
    await transport.close()
    await postgres_server.drop_database(name)


@pytest.mark.parametrize("service", SERVICES)
async def test_service_starts_ready_and_observable(
    service: str, postgres_server: PostgresServer, events_transport: InProcessTransport
) -> None:
    package = f"agora_{service}"
    settings_cls: Any = importlib.import_module(f"{package}.settings").Settings
    create_app: Any = importlib.import_module(f"{package}.app").create_app
    name = await postgres_server.create_database(service)
    try:
        url = postgres_server.url(name)
        await asyncio.to_thread(migrations.upgrade, package, url)
        settings = settings_cls(
            database_url=url, common=CommonSettings(events_database_url=events_transport.url)
        )
        assert settings.port == PORTS[service]
        assert settings.service_name == service
        app = create_app(settings, transport=events_transport)
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
            ) as client,
        ):
            health = await client.get("/healthz")
            assert health.status_code == 200
            assert health.json()["service"] == service
            assert health.headers["x-request-id"]

            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": "ok", "events": "ok"}

            spec = (await client.get("/openapi.json")).json()
            assert spec["info"]["title"] == f"Agora {service} service"

            missing = await client.get("/api/v1/nothing-here")
            assert missing.status_code == 404
            assert missing.headers["content-type"] == "application/problem+json"

            metrics = (await client.get("/metrics")).text
            families = {f.name: f for f in text_string_to_metric_families(metrics)}
            requests = families["agora_http_requests"]
            routes = {
                (s.labels["route"], s.labels["status"], s.labels["service"])
                for s in requests.samples
                if s.name == "agora_http_requests_total"
            }
            assert ("/readyz", "200", service) in routes
            assert ("__unmatched__", "404", service) in routes
            assert "agora_outbox_backlog" in families
    finally:
        await postgres_server.drop_database(name)


async def test_readiness_fails_when_the_database_is_unreachable(
    events_transport: InProcessTransport,
) -> None:
    from agora_user.app import create_app
    from agora_user.settings import Settings

    settings = Settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    app = create_app(settings, transport=events_transport)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("failing")
    assert ready.json()["checks"]["events"] == "ok"
