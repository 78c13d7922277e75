from __future__ import annotations

from fastapi import FastAPI

from agora_kit.app import create_service_app
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.outbox import Outbox
from agora_kit.events.transport import Transport
from agora_kit.idempotency import forget_old_keys_task
from agora_order import __doc__ as description
from agora_order.api import router
from agora_order.events import payment_timeouts, register_handlers
from agora_order.metrics import OrderMetrics
from agora_order.settings import Settings


def create_app(settings: Settings | None = None, *, transport: Transport | None = None) -> FastAPI:
    settings = settings or Settings()
    # The consumer is built inside create_service_app, before the app's outbox is
    # reachable; the handlers get an outbox of the same source (one outbox table).
    outbox = Outbox(source=f"/agora/{settings.service_name}")

    def handlers(consumer: EventConsumer) -> None:
        register_handlers(consumer, outbox)

    app = create_service_app(
        settings,
        title="Agora order service",
        description=description or "",
        routers=[router],
        register_handlers=handlers,
        transport=transport,
        background_tasks=[payment_timeouts, forget_old_keys_task],
    )
    # Writes from event handlers wake the relay too.
    outbox.notify_on_commit(app.state.runtime.relay.wake)
    OrderMetrics(app.state.runtime.metrics).install(app.state.database)
    return app
