"""The user service under test: a database built by the real migrations (copied from
a template migrated once per session), its own event log, and the app with its
lifespan (relay, consumer, signing key) on the in-process transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_kit.settings import CommonSettings
from agora_kit.testing.apps import running
from agora_kit.testing.fixtures import Databases
from agora_user.app import create_app
from agora_user_testing import UserApi, fast_settings


@pytest.fixture
async def user_database(databases: Databases) -> str:
    """A migrated user database of its own for one test."""
    return await databases.migrated("agora_user")


@pytest.fixture
async def user_app(user_database: str, events_url: str) -> AsyncIterator[FastAPI]:
    async with running(create_app(fast_settings(user_database, events_url))) as app:
        yield app


@pytest.fixture
async def api(user_app: FastAPI) -> AsyncIterator[UserApi]:
    # As the gateway calls it: with the service credential, so /internal answers.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=user_app),
        base_url="http://user",
        headers={SERVICE_TOKEN_HEADER: CommonSettings().service_token.get_secret_value()},
    ) as client:
        yield UserApi(client, user_app)
