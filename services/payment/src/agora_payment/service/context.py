"""What the payment service's routes, handlers and background tasks share beyond a
session: its settings, database, the chassis's outbox and the payment provider
(ADR 0085). Built once the chassis's runtime exists, at ``app.state.context``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from agora_kit.app import ServiceRuntime
from agora_kit.db import Database
from agora_kit.events.outbox import Outbox
from agora_payment.adapters.provider import PaymentProvider
from agora_payment.adapters.sandbox import SandboxProvider
from agora_payment.service import fraud
from agora_payment.service.metrics import PaymentMetrics
from agora_payment.settings import Settings


def build_provider(settings: Settings) -> PaymentProvider:
    if settings.provider == "stripe":
        from agora_payment.adapters.stripe import StripeProvider

        return StripeProvider(
            settings.stripe_api_key.get_secret_value(),
            api_base=settings.stripe_api_base,
            timeout=settings.stripe_timeout_seconds,
            max_network_retries=settings.stripe_max_network_retries,
        )
    return SandboxProvider(settings.public_api_url)


@dataclass
class PaymentContext:
    settings: Settings
    database: Database
    outbox: Outbox
    provider: PaymentProvider

    @classmethod
    def of(
        cls, runtime: ServiceRuntime, settings: Settings, provider: PaymentProvider | None = None
    ) -> PaymentContext:
        # Every session of the database counts payments and refunds when it commits.
        PaymentMetrics(runtime.metrics).install(runtime.database)
        return cls(
            settings=settings,
            database=runtime.database,
            outbox=runtime.outbox,
            provider=provider or build_provider(settings),
        )

    @property
    def fee_bps(self) -> int:
        return self.settings.platform_fee_bps

    @property
    def hold(self) -> timedelta:
        """How long a shipped vendor's payout is held before it is paid (ADR 0045)."""
        return timedelta(seconds=self.settings.payout_hold_seconds)

    @cached_property
    def rules(self) -> fraud.Rules:
        """The fraud rules of the settings, made once (every payment checks them)."""
        return fraud.Rules.of(self.settings)
