from __future__ import annotations

from fastapi import FastAPI

from agora_kit.app import ServiceRuntime, create_service_app
from agora_kit.events.transport import Transport
from agora_notification import __doc__ as description
from agora_notification.api import routers
from agora_notification.channels.base import Sender
from agora_notification.events import handlers
from agora_notification.service.context import NotificationContext
from agora_notification.service.dispatcher import Dispatcher
from agora_notification.service.hub import FeedHub
from agora_notification.settings import Settings


def create_app(
    settings: Settings | None = None,
    *,
    transport: Transport | None = None,
    senders: dict[str, Sender] | None = None,
) -> FastAPI:
    """The notification service. ``senders`` replaces the channels' senders (tests)."""
    settings = settings or Settings()
    context = NotificationContext.build(settings, senders)
    late: dict[str, object] = {}

    async def dispatch(runtime: ServiceRuntime) -> None:
        dispatcher = late["dispatcher"]
        assert isinstance(dispatcher, Dispatcher)
        await dispatcher.run()

    async def listen(runtime: ServiceRuntime) -> None:
        hub = late["hub"]
        assert isinstance(hub, FeedHub)
        await hub.run()

    app = create_service_app(
        settings,
        title="Agora notification service",
        description=description or "",
        routers=routers,
        register_handlers=handlers(lambda: context),
        transport=transport,
        background_tasks=[dispatch, listen],
    )
    runtime: ServiceRuntime = app.state.runtime
    dispatcher = Dispatcher(runtime.database, context.senders, settings, runtime.metrics)
    hub = FeedHub(runtime.database, queue_size=settings.ws_queue_size)
    context.on_new_deliveries.append(dispatcher.wake)
    late.update(dispatcher=dispatcher, hub=hub)
    app.state.notification = context
    app.state.dispatcher = dispatcher
    app.state.hub = hub
    return app
