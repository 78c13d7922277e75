"""The notification service's app: the chassis, with the notification service's
context (its senders, dispatcher and live feed), routers, event handlers and
background tasks."""

from __future__ import annotations

from fastapi import FastAPI

from agora_kit.app import create_service_app
from agora_kit.events.transport import Transport
from agora_notification import __doc__ as description
from agora_notification.adapters.base import Sender
from agora_notification.api import router
from agora_notification.events import HANDLED
from agora_notification.service.context import AppContext
from agora_notification.settings import Settings
from agora_notification.tasks import deliver_webhooks, dispatch, keep_present, listen


def create_app(
    settings: Settings | None = None,
    *,
    transport: Transport | None = None,
    senders: dict[str, Sender] | None = None,
) -> FastAPI:
    """The notification service. ``senders`` replaces the channels' senders (tests)."""
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Agora notification service",
        description=description or "",
        context=lambda runtime: AppContext.of(runtime, settings, senders),
        routers=[router],
        handlers=HANDLED,
        background_tasks=[dispatch, listen, keep_present, deliver_webhooks],
        transport=transport,
    )
