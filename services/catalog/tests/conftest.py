"""The catalog app on real PostgreSQL, built by the real migrations: one migrated
template database per session, a fresh copy of it per test, and the in-process event
transport on a database of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from agora_catalog.adapters.search.base import SearchBackend
from agora_catalog.adapters.search.elasticsearch import ElasticsearchSearch
from agora_catalog.app import create_app
from agora_catalog.settings import Settings
from agora_catalog_testing.helpers import Shop
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import client_fixture, running, service_settings
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.tokens import Keys


@pytest.fixture
async def catalog_url(databases: Databases) -> str:
    """A migrated, empty catalog database of this test's own."""
    return await databases.migrated("agora_catalog")


@pytest.fixture
def embedding_worker(request: pytest.FixtureRequest) -> bool:
    """Whether the app's embedding worker runs: off, products are embedded only by the
    tests that call embed_pending themselves; parametrize it (indirectly) to run it."""
    return bool(getattr(request, "param", False))


@pytest.fixture
def settings(catalog_url: str, events_url: str, tmp_path: Path, embedding_worker: bool) -> Settings:
    return service_settings(
        Settings,
        catalog_url,
        events_url,
        reservation_sweep_seconds=0.1,
        media_dir=tmp_path / "media",
        embedding_worker=embedding_worker,
        # The worker, when on, is woken by the catalog's events alone.
        embedding_poll_seconds=86_400,
    )


@pytest.fixture
def search_backend(request: pytest.FixtureRequest) -> str:
    """The app's search backend; parametrize it (indirectly) to test another."""
    return str(getattr(request, "param", "postgres"))


@pytest.fixture
async def search(
    request: pytest.FixtureRequest, search_backend: str
) -> AsyncIterator[SearchBackend | None]:
    """None: the app builds the backend its settings choose (PostgreSQL)."""
    if search_backend == "postgres":
        yield None
        return
    server = request.getfixturevalue("elasticsearch_server")
    backend = ElasticsearchSearch(
        server.url, index=f"agora-test-{uuid.uuid4().hex[:10]}", refresh_interval="50ms"
    )
    await backend.start()
    yield backend
    await backend.drop()
    await backend.close()


@pytest.fixture
async def app(
    settings: Settings, keys: Keys, transport: InProcessTransport, search: SearchBackend | None
) -> AsyncIterator[FastAPI]:
    application = create_app(settings, transport=transport, search=search)
    async with running(application, keys):
        yield application


client = client_fixture("http://catalog.test")


@pytest.fixture
def shop(client: httpx.AsyncClient, keys: Keys) -> Shop:
    return Shop(client, keys)
