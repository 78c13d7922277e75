"""The order service on real PostgreSQL built by the real migrations (a template
migrated once per session, a copy per test), on the in-process transport."""

from __future__ import annotations

import pytest

from agora_kit.testing.apps import app_fixture, client_fixture, service_settings
from agora_kit.testing.fixtures import Databases
from agora_order.app import create_app
from agora_order.settings import Settings


@pytest.fixture
async def settings(databases: Databases, events_url: str) -> Settings:
    url = await databases.migrated("agora_order")
    return service_settings(Settings, url, events_url, tax_rate_bps=1000)


app = app_fixture(create_app)
client = client_fixture("http://order.test")
