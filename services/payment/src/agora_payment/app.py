from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from agora_kit.app import create_service_app
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.outbox import Outbox
from agora_kit.events.transport import Transport
from agora_kit.idempotency import forget_old_keys_task
from agora_payment import __doc__ as description
from agora_payment.api import router
from agora_payment.events import register_handlers
from agora_payment.metrics import PaymentMetrics
from agora_payment.service import fraud
from agora_payment.service.provider import PaymentProvider, SandboxProvider
from agora_payment.settings import Settings
from agora_payment.tasks import payout_release


def build_provider(settings: Settings) -> PaymentProvider:
    if settings.provider == "stripe":
        from agora_payment.service.stripe_provider import StripeProvider

        return StripeProvider(
            settings.stripe_api_key.get_secret_value(), api_base=settings.stripe_api_base
        )
    return SandboxProvider()


def create_app(
    settings: Settings | None = None,
    *,
    transport: Transport | None = None,
    provider: PaymentProvider | None = None,
) -> FastAPI:
    settings = settings or Settings()
    the_provider = provider or build_provider(settings)
    # Handlers write events with an outbox of the app's source (one outbox table).
    outbox = Outbox(source=f"/agora/{settings.service_name}")

    def handlers(consumer: EventConsumer) -> None:
        register_handlers(
            consumer,
            outbox,
            the_provider,
            fee_bps=settings.platform_fee_bps,
            hold=timedelta(seconds=settings.payout_hold_seconds),
            rules=fraud.Rules.of(settings),
        )

    app = create_service_app(
        settings,
        title="Agora payment service",
        description=description or "",
        routers=[router],
        register_handlers=handlers,
        transport=transport,
        background_tasks=[
            payout_release(the_provider, settings.payout_sweep_seconds),
            forget_old_keys_task,
        ],
    )
    outbox.notify_on_commit(app.state.runtime.relay.wake)
    PaymentMetrics(app.state.runtime.metrics).install(app.state.database)
    app.state.payment_provider = the_provider
    return app
