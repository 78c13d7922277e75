"""The order service's business metrics (docs/operations/metrics.md).

They live in the app's registry beside the chassis metrics, and every session of the
app's database carries them (``session.info``), so a step of the saga counts the same
whether a route, an event handler or the timeout sweep runs it. A count is made when
the transaction that did the work commits: a step rolled back counts nothing.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.metrics import ServiceMetrics, SessionMetrics

logger = logging.getLogger("agora.order.metrics")

# The saga's causes of a cancellation, as the catalogue's reasons.
CANCEL_REASONS = {
    "buyer.cancel": "buyer",
    "payment.failed": "payment_failed",
    "inventory.reservation_failed": "out_of_stock",
    # Paid after the hold expired, and the stock was gone by then.
    "inventory.commit_failed": "out_of_stock",
    "timeout": "timeout",
    # The catalog let the stock go because the payment did not come in time: the
    # order timed out, the catalog's clock noticed first.
    "inventory.released.expired": "timeout",
}


class OrderMetrics(SessionMetrics):
    session_key = "agora_order_metrics"

    def __init__(self, metrics: ServiceMetrics) -> None:
        super().__init__(metrics)
        r = metrics.registry
        self.carts_created = Counter(
            "agora_carts_created_total",
            "Carts that received their first item",
            ["service"],
            registry=r,
        )
        self.placed = Counter(
            "agora_orders_placed_total",
            "Orders accepted by checkout (pending)",
            ["service", "currency"],
            registry=r,
        )
        self.confirmed = Counter(
            "agora_orders_confirmed_total",
            "Orders whose payment succeeded (confirmed)",
            ["service", "currency"],
            registry=r,
        )
        self.cancelled = Counter(
            "agora_orders_cancelled_total",
            "Orders cancelled, by reason (buyer, payment_failed, out_of_stock, timeout)",
            ["service", "reason"],
            registry=r,
        )
        self.gmv = Counter(
            "agora_orders_gmv_minor_units_total",
            "Gross merchandise value of confirmed orders, in minor units of the currency",
            ["service", "currency"],
            registry=r,
        )


def cart_created(session: AsyncSession) -> None:
    OrderMetrics.count(session, lambda m: m.carts_created.labels(m.service).inc())


def order_placed(session: AsyncSession, currency: str) -> None:
    OrderMetrics.count(session, lambda m: m.placed.labels(m.service, currency).inc())


def order_confirmed(session: AsyncSession, currency: str, total: int) -> None:
    def count(m: OrderMetrics) -> None:
        m.confirmed.labels(m.service, currency).inc()
        m.gmv.labels(m.service, currency).inc(total)

    OrderMetrics.count(session, count)


def order_cancelled(session: AsyncSession, cause: str) -> None:
    reason = CANCEL_REASONS.get(cause)
    if reason is None:
        logger.warning("no cancellation reason for the cause %r: not counted", cause)
        return
    OrderMetrics.count(session, lambda m: m.cancelled.labels(m.service, reason).inc())
