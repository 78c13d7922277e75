"""``/healthz`` says the process lives; ``/readyz`` checks its dependencies for real,
names the one that fails, and never hangs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from agora_kit.app import create_base_app
from agora_kit.db import Database
from agora_kit.health import Check
from agora_kit.metrics import ServiceMetrics

# Far longer than readiness may take, so a hang fails the test instead of stalling it.
GUARD_SECONDS = 15


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield


@asynccontextmanager
async def client_for(checks: Mapping[str, Check]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_base_app(
        "healthsvc",
        title="health",
        description="test",
        version="0",
        metrics=ServiceMetrics("healthsvc"),
        max_body_bytes=1024,
        readiness_checks=checks,
        lifespan=no_lifespan,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def ok() -> None:
    return None


async def leaky_failure() -> None:
    raise RuntimeError("password=hunter2 at 10.0.0.7")


async def hangs() -> None:
    await asyncio.Event().wait()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, pool_size=1)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def unreachable() -> AsyncIterator[Database]:
    # Port 1 on loopback: nothing listens, the connection is refused.
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:1/x", pool_size=1)
    try:
        yield db
    finally:
        await db.dispose()


async def test_healthz_is_200_without_checking_dependencies(unreachable: Database) -> None:
    async with client_for({"database": unreachable.ping}) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["service"] == "healthsvc"


async def test_readyz_is_200_when_every_check_passes(database: Database) -> None:
    async with client_for({"database": database.ping, "events": ok}) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "service": "healthsvc",
        "checks": {"database": "ok", "events": "ok"},
    }


async def test_readyz_is_503_naming_an_unreachable_database(unreachable: Database) -> None:
    async with client_for({"database": unreachable.ping, "events": ok}) as client:
        async with asyncio.timeout(GUARD_SECONDS):
            response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["events"] == "ok"
    assert body["checks"]["database"].startswith("failing")


async def test_readyz_recovers_when_the_dependency_does(database: Database) -> None:
    healthy = False

    async def flaky() -> None:
        if not healthy:
            raise ConnectionError("down")

    async with client_for({"database": database.ping, "events": flaky}) as client:
        assert (await client.get("/readyz")).status_code == 503
        healthy = True
        assert (await client.get("/readyz")).status_code == 200


async def test_a_hanging_check_fails_instead_of_hanging_readyz() -> None:
    async with client_for({"events": hangs, "database": ok}) as client:
        async with asyncio.timeout(GUARD_SECONDS):
            response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"events": "failing: TimeoutError", "database": "ok"}


async def test_readyz_tells_the_log_but_not_the_caller_why_a_check_failed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with client_for({"database": leaky_failure}) as client:
        with caplog.at_level(logging.WARNING, logger="agora.health"):
            response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failing: RuntimeError"
    assert "hunter2" not in response.text
    assert "10.0.0.7" not in response.text
    [record] = [r for r in caplog.records if r.name == "agora.health"]
    assert "database" in record.getMessage()
    assert "10.0.0.7" in record.getMessage()
