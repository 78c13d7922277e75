"""The event types a webhook can subscribe to, and the public body of each.

A delivery's ``data`` is the public resource the event is about, built from the
consumed event's payload: the fields a client of the API sees, never the internal
ones (payment intents' client secrets, provider transfer ids, saga bookkeeping such
as reservation lifetimes). ``vendors_of`` names the stores an event concerns, so an
endpoint of one store hears only of its own; a store's endpoint sees only its own
lines of an order and no order-wide totals. The mapping is docs/api/README.md's
"Webhooks" table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agora_contracts import catalog as c
from agora_contracts import order as o
from agora_contracts import payment as p
from agora_contracts.common import Money
from agora_contracts.events import EventPayload

Data = dict[str, Any]
TEST_EVENT = "webhook.test"


def _money(value: Money | None) -> Data | None:
    return value.model_dump() if value is not None else None


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _line(line: o.OrderLine) -> Data:
    return {
        "sku": line.sku,
        "title": line.title,
        "quantity": line.quantity,
        "vendor_id": str(line.vendor_id) if line.vendor_id else None,
        "product_id": str(line.product_id) if line.product_id else None,
        "unit_price": _money(line.unit_price),
        "line_total": _money(line.line_total),
    }


def _lines(lines: list[o.OrderLine], store: uuid.UUID | None) -> list[Data]:
    return [_line(line) for line in lines if store is None or line.vendor_id == store]


def _address(value: o.ShippingAddress | None) -> Data | None:
    return value.model_dump() if value is not None else None


def order_confirmed(e: o.OrderConfirmed, store: uuid.UUID | None) -> Data:
    data: Data = {
        "id": str(e.order_id),
        "number": e.order_number,
        "status": "confirmed",
        "buyer_id": str(e.buyer_id),
        "lines": _lines(e.lines, store),
        "shipping_address": _address(e.shipping_address),
        "confirmed_at": _time(e.confirmed_at),
    }
    if store is None:  # the order's totals span every store: for the platform only
        for name in ("subtotal", "shipping", "discount", "tax", "total"):
            data[name] = _money(getattr(e, name))
    return data


def order_shipped(e: o.OrderShipped, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.order_id),
        "number": e.order_number,
        "status": "shipped",
        "vendor_id": str(e.vendor_id) if e.vendor_id else None,
        "sub_order_id": str(e.sub_order_id) if e.sub_order_id else None,
        "carrier": e.carrier,
        "tracking_number": e.tracking_number,
        "tracking_url": e.tracking_url,
        "lines": _lines(e.lines, store),
        "shipped_at": _time(e.shipped_at),
    }


def order_delivered(e: o.OrderDelivered, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.order_id),
        "number": e.order_number,
        "status": "delivered",
        "vendor_id": str(e.vendor_id) if e.vendor_id else None,
        "sub_order_id": str(e.sub_order_id) if e.sub_order_id else None,
        "delivered_at": _time(e.delivered_at),
    }


def order_cancelled(e: o.OrderCancelled, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.order_id),
        "status": "cancelled",
        "reason": e.reason,
        "cancelled_at": _time(e.cancelled_at),
    }


def order_refunded(e: o.OrderRefunded, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.order_id),
        "number": e.order_number,
        "refund_id": str(e.refund_id) if e.refund_id else None,
        "amount": _money(e.amount),
        "total_refunded": _money(e.total_refunded),
        "fully_refunded": e.fully_refunded,
        "reason": e.reason,
        "refunded_at": _time(e.refunded_at),
    }


def payment_succeeded(e: p.PaymentSucceeded, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.payment_id),
        "order_id": str(e.order_id),
        "status": "succeeded",
        "amount": _money(e.amount),
        "succeeded_at": _time(e.succeeded_at),
    }


def payment_failed(e: p.PaymentFailed, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.payment_id),
        "order_id": str(e.order_id),
        "status": "failed",
        "reason": e.reason,
        "failure_code": e.failure_code,
        "amount": _money(e.amount),
        "failed_at": _time(e.failed_at),
    }


def payment_refunded(e: p.PaymentRefunded, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.payment_id),
        "order_id": str(e.order_id),
        "refund_id": str(e.refund_id) if e.refund_id else None,
        "amount": _money(e.amount),
        "total_refunded": _money(e.total_refunded),
        "reason": e.reason,
        "refunded_at": _time(e.refunded_at),
    }


def product(e: c.ProductPublished | c.ProductUpdated, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.product_id),
        "vendor_id": str(e.vendor_id),
        "category_id": str(e.category_id),
        "title": e.title,
        "image_url": e.image_url,
        "variants": [
            {
                "sku": v.sku,
                "price": _money(v.price),
                "attributes": v.attributes,
                "available": v.available,
            }
            for v in e.variants
        ],
        "published_at": _time(e.published_at),
    }


def low_stock(e: c.LowStock, store: uuid.UUID | None) -> Data:
    return {
        "sku": e.sku,
        "vendor_id": str(e.vendor_id),
        "product_id": str(e.product_id) if e.product_id else None,
        "available": e.available,
        "threshold": e.threshold,
    }


def payout_created(e: p.PayoutCreated, store: uuid.UUID | None) -> Data:
    return {
        "id": str(e.payout_id),
        "vendor_id": str(e.vendor_id),
        "order_id": str(e.order_id),
        "payment_id": str(e.payment_id),
        "gross": _money(e.gross),
        "fee": _money(e.fee),
        "amount": _money(e.amount),
        "created_at": _time(e.created_at),
    }


@dataclass(frozen=True)
class Publicised:
    """How one consumed event type becomes a webhook: its public name and body."""

    name: str
    shape: Callable[[Any, uuid.UUID | None], Data]


PUBLIC: dict[type[EventPayload], Publicised] = {
    o.OrderConfirmed: Publicised("order.confirmed", order_confirmed),
    o.OrderShipped: Publicised("order.shipped", order_shipped),
    o.OrderDelivered: Publicised("order.delivered", order_delivered),
    o.OrderCancelled: Publicised("order.cancelled", order_cancelled),
    o.OrderRefunded: Publicised("order.refunded", order_refunded),
    p.PaymentSucceeded: Publicised("payment.succeeded", payment_succeeded),
    p.PaymentFailed: Publicised("payment.failed", payment_failed),
    p.PaymentRefunded: Publicised("payment.refunded", payment_refunded),
    c.ProductPublished: Publicised("product.published", product),
    c.ProductUpdated: Publicised("product.updated", product),
    c.LowStock: Publicised("inventory.low_stock", low_stock),
    p.PayoutCreated: Publicised("payout.created", payout_created),
}
# What an endpoint may subscribe to, in the order the docs list them.
EVENT_TYPES: tuple[str, ...] = tuple(sorted(p.name for p in PUBLIC.values()))


def vendors_named(payload: EventPayload) -> set[uuid.UUID]:
    """The stores the event itself names (an order's are completed from what was
    learned of it: see ``fanout``)."""
    named: set[uuid.UUID] = set()
    vendor_id = getattr(payload, "vendor_id", None)
    if isinstance(vendor_id, uuid.UUID):
        named.add(vendor_id)
    for line in getattr(payload, "lines", None) or []:
        if isinstance(getattr(line, "vendor_id", None), uuid.UUID):
            named.add(line.vendor_id)
    return named
