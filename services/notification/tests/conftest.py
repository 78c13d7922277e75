"""The notification service under test: a database built by the real migrations (copied
from a template migrated once per session), its own event log, the app with its
lifespan (consumer, dispatcher, live feed listener), and mail going to a real SMTP
server (the ``smtp_server`` sink of agora_tools) read back from its Maildir."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from agora_kit.testing.apps import app_fixture, asgi_client
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.tokens import Keys
from agora_notification.app import create_app
from agora_notification.settings import Settings
from agora_notification_testing import (
    Mailbox,
    Notifications,
    quick_settings,
)
from agora_tools.pytest_plugin import SmtpServer


@pytest.fixture
async def notification_url(databases: Databases) -> str:
    """A migrated notification database of this test's own."""
    return await databases.migrated("agora_notification")


@pytest.fixture(scope="session")
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    return Mailbox(smtp_server.maildir)


@pytest.fixture
def settings(notification_url: str, events_url: str, smtp_server: SmtpServer) -> Settings:
    return quick_settings(notification_url, events_url, smtp=(smtp_server.host, smtp_server.port))


app = app_fixture(create_app)


@pytest.fixture
async def service(app: FastAPI, keys: Keys) -> AsyncIterator[Notifications]:
    async with asgi_client(app, "http://notification.test") as client:
        yield Notifications(app, client, keys)
