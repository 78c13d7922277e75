"""What the order service's handlers and background tasks share beyond a session: its
settings, its database, the outbox of the chassis (ADR 0085) and the exchange rates the
cart is shown in other currencies with (ADR 0118). Built once the
chassis's runtime exists, at ``app.state.context``."""

from __future__ import annotations

from dataclasses import dataclass

from agora_kit.app import ServiceRuntime
from agora_kit.currency import FileRates, RatesProvider
from agora_kit.db import Database
from agora_kit.events.outbox import Outbox
from agora_order.service.metrics import OrderMetrics
from agora_order.settings import Settings


@dataclass
class OrderContext:
    settings: Settings
    database: Database
    outbox: Outbox
    rates: RatesProvider

    @classmethod
    def of(cls, runtime: ServiceRuntime, settings: Settings) -> OrderContext:
        # Every session of the database counts the saga's steps when it commits.
        OrderMetrics(runtime.metrics).install(runtime.database)
        return cls(
            settings=settings,
            database=runtime.database,
            outbox=runtime.outbox,
            rates=FileRates(settings.common.currency_rates_file),
        )
