"""The payment service on real PostgreSQL built by the real migrations (a template
migrated once per session, a copy per test), on the in-process transport."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from agora_kit.auth import ROLE_ADMIN
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import running, service_settings
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.tokens import Keys
from agora_payment.app import create_app
from agora_payment.settings import Settings


@pytest.fixture
async def settings(databases: Databases, events_url: str) -> Settings:
    url = await databases.migrated("agora_payment")
    return service_settings(Settings, url, events_url)


@pytest.fixture
async def app(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> AsyncIterator[FastAPI]:
    async with running(create_app(settings, transport=transport), keys) as application:
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://payment.test"
    ) as the_client:
        yield the_client


@pytest.fixture
def buyer(keys: Keys) -> dict[str, str]:
    return keys.headers(uuid.uuid4())


@pytest.fixture
def admin(keys: Keys) -> dict[str, str]:
    return keys.headers(uuid.uuid4(), (ROLE_ADMIN,))
