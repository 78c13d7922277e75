"""The order service on real PostgreSQL built by the real migrations (a template
migrated once per session, a copy per test), on the in-process transport."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from agora_kit.auth import ROLE_ADMIN
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.fixtures import PostgresServer
from agora_kit.testing.tokens import Keys
from agora_order.app import create_app
from agora_order.settings import Settings
from agora_order.testing import order_settings


@pytest.fixture(scope="session")
async def order_template(postgres_server: PostgresServer) -> AsyncIterator[str]:
    name = await postgres_server.migrated_template("agora_order")
    yield name
    await postgres_server.drop_database(name)


@pytest.fixture
async def order_url(postgres_server: PostgresServer, order_template: str) -> AsyncIterator[str]:
    name = await postgres_server.create_database("order", template=order_template)
    yield postgres_server.url(name)
    await postgres_server.drop_database(name)


@pytest.fixture
async def events_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    name = await postgres_server.create_database("events")
    yield postgres_server.url(name)
    await postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys()


@pytest.fixture
def settings(order_url: str, events_url: str) -> Settings:
    return order_settings(order_url, events_url, tax_rate_bps=1000)


@pytest.fixture
async def app(settings: Settings, keys: Keys) -> AsyncIterator[FastAPI]:
    transport = InProcessTransport(settings.common.events_database_url, poll_seconds=0.1)
    await transport.start()
    application = create_app(settings, transport=transport)
    application.state.jwks_verifier = keys.verifier()
    async with LifespanManager(application):
        yield application
    await transport.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://order.test"
    ) as the_client:
        yield the_client


@pytest.fixture
def buyer(keys: Keys) -> dict[str, str]:
    return keys.headers(uuid.uuid4())


@pytest.fixture
def admin(keys: Keys) -> dict[str, str]:
    return keys.headers(uuid.uuid4(), (ROLE_ADMIN,))
