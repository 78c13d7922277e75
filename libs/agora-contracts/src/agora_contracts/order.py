"""Events of the order service's order aggregate: one topic, keyed by order id.

These are the steps of the checkout saga that other services act on. The catalog
reserves stock when an order is placed (all lines or none), releases it when the
order is cancelled, and commits it (the stock is sold) when the order is confirmed;
a confirmed order also lets its buyer review what they bought.

Kept minimal on purpose: the order service adds fields (with defaults) as it needs them.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from agora_contracts.events import EventPayload, topic_name

ORDER_TOPIC = topic_name("order", "order")


class OrderLine(BaseModel):
    """One line of an order: ``quantity`` units of ``sku``."""

    model_config = ConfigDict(frozen=True)

    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)
    vendor_id: UUID | None = None
    product_id: UUID | None = Field(
        default=None, description="Optional: the catalog finds the product from the SKU"
    )


class _OrderEvent(EventPayload):
    topic: ClassVar[str] = ORDER_TOPIC

    order_id: UUID


class OrderPlaced(_OrderEvent):
    """The buyer checked out: reserve every line, or none (the saga's first step).

    The catalog answers ``InventoryReserved`` or ``InventoryReservationFailed``. A
    reservation is held ``reservation_ttl_seconds`` (the catalog's default when null)
    from when the catalog handles the event, then released as expired.
    """

    event_type: ClassVar[str] = "agora.order.order.placed.v1"

    buyer_id: UUID
    lines: list[OrderLine] = Field(min_length=1)
    placed_at: datetime
    reservation_ttl_seconds: int | None = Field(default=None, gt=0)


class OrderCancelled(_OrderEvent):
    """The order will not go ahead (payment failed, buyer cancelled, timed out):
    release its stock. Also valid after confirmation, before shipment (stock returns)."""

    event_type: ClassVar[str] = "agora.order.order.cancelled.v1"

    reason: str
    cancelled_at: datetime | None = None


class OrderConfirmed(_OrderEvent):
    """Paid: the reserved stock is sold, and the buyer may review these products."""

    event_type: ClassVar[str] = "agora.order.order.confirmed.v1"

    buyer_id: UUID
    lines: list[OrderLine] = Field(min_length=1)
    confirmed_at: datetime | None = None
