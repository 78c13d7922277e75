"""The payment service on real PostgreSQL built by the real migrations (a template
migrated once per session, a copy per test), on the in-process transport."""

from __future__ import annotations

import pytest

from agora_kit.testing.apps import app_fixture, client_fixture, service_settings
from agora_kit.testing.fixtures import Databases
from agora_payment.app import create_app
from agora_payment.settings import Settings


@pytest.fixture
async def settings(databases: Databases, events_url: str) -> Settings:
    url = await databases.migrated("agora_payment")
    return service_settings(Settings, url, events_url)


app = app_fixture(create_app)
client = client_fixture("http://payment.test")
