"""The user service under test: a database built by the real migrations (copied from
a template migrated once per session), its own event log, and the app with its
lifespan (relay, consumer, signing key) on the in-process transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from agora_kit.testing.fixtures import PostgresServer
from agora_user.app import create_app
from agora_user.testing import UserApi, fast_settings


@pytest.fixture(scope="session")
async def user_template(postgres_server: PostgresServer) -> AsyncIterator[str]:
    name = await postgres_server.migrated_template("agora_user")
    yield name
    await postgres_server.drop_database(name)


@pytest.fixture
async def user_database(postgres_server: PostgresServer, user_template: str) -> AsyncIterator[str]:
    """A migrated user database of its own for one test."""
    name = await postgres_server.create_database("user", template=user_template)
    try:
        yield postgres_server.url(name)
    finally:
        await postgres_server.drop_database(name)


@pytest.fixture
async def events_database(postgres_server: PostgresServer) -> AsyncIterator[str]:
    name = await postgres_server.create_database("events")
    try:
        yield postgres_server.url(name)
    finally:
        await postgres_server.drop_database(name)


@pytest.fixture
async def user_app(user_database: str, events_database: str) -> AsyncIterator[FastAPI]:
    app = create_app(fast_settings(user_database, events_database))
    async with LifespanManager(app):
        yield app


@pytest.fixture
async def api(user_app: FastAPI) -> AsyncIterator[UserApi]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=user_app), base_url="http://user"
    ) as client:
        yield UserApi(client, user_app)
