"""Events of the order service's order aggregate: one topic, keyed by order id.

These are the steps of the checkout saga that other services act on. The catalog
reserves stock when an order is placed (all lines or none), releases it when the
order is cancelled, and commits it (the stock is sold) when the order is confirmed;
a confirmed order also lets its buyer review what they bought. The notification
service tells the buyer about each step: the receipt on confirmation, shipment with
tracking, delivery, cancellation and refund.

Kept minimal on purpose: the order service adds fields (with defaults) as it needs them.
Fields with defaults were added for the notification service's mails; a producer that
leaves them out still validates, and the mail then says less.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from agora_contracts.common import Money
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
    title: str | None = Field(
        default=None, description="The product's title at checkout, as the receipt shows it"
    )
    unit_price: Money | None = Field(default=None, description="Price of one unit at checkout")
    line_total: Money | None = Field(
        default=None, description="What the line costs: unit price times quantity, less discounts"
    )


class ShippingAddress(BaseModel):
    """Where an order goes (API.md's checkout ``shipping_address``). Only ``name`` is
    required here: a receipt addresses the recipient by it."""

    model_config = ConfigDict(frozen=True)

    name: str
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2")


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
    release its stock. Also valid after confirmation, before shipment (stock returns).

    ``buyer_id`` (added for the notification service) names whom to tell; when it is
    left out the notification service finds the buyer from the order's earlier events.
    ``reason`` is shown to the buyer, so it should be words, not a code."""

    event_type: ClassVar[str] = "agora.order.order.cancelled.v1"

    reason: str
    cancelled_at: datetime | None = None
    buyer_id: UUID | None = None


class OrderConfirmed(_OrderEvent):
    """Paid: the reserved stock is sold, and the buyer may review these products.

    The notification service mails the buyer a receipt from this event alone, so the
    order service should fill what the receipt shows (added with defaults): each line's
    ``title``, ``unit_price`` and ``line_total``, the order's ``subtotal``,
    ``shipping``, ``discount``, ``tax`` and ``total`` (all in the order's currency,
    minor units), ``order_number`` (what the buyer quotes; the id when absent) and the
    ``shipping_address``."""

    event_type: ClassVar[str] = "agora.order.order.confirmed.v1"

    buyer_id: UUID
    lines: list[OrderLine] = Field(min_length=1)
    confirmed_at: datetime | None = None
    order_number: str | None = None
    subtotal: Money | None = None
    shipping: Money | None = None
    discount: Money | None = None
    tax: Money | None = None
    total: Money | None = None
    shipping_address: ShippingAddress | None = None
    payment_method: str | None = Field(
        default=None, description="What the buyer paid with, for the receipt (e.g. 'Visa 4242')"
    )
    tax_included: bool = Field(
        default=False,
        description="The tax is VAT-style, inside the prices (total does not add it again)",
    )


class OrderShipped(_OrderEvent):
    """A vendor shipped its part of the order (``POST /vendor/orders/{id}/ship``).

    An order with several vendors ships in several parcels: one event per vendor
    sub-order (``sub_order_id``, ``vendor_id``), each with its own tracking. ``lines``
    are what this parcel holds (empty: the whole order). The notification service
    tells the buyer, with the carrier and tracking number."""

    event_type: ClassVar[str] = "agora.order.order.shipped.v1"

    buyer_id: UUID
    carrier: str
    tracking_number: str
    tracking_url: str | None = None
    vendor_id: UUID | None = None
    sub_order_id: UUID | None = None
    lines: list[OrderLine] = []
    shipped_at: datetime | None = None
    order_number: str | None = None


class OrderDelivered(_OrderEvent):
    """The carrier delivered the order (or one vendor's parcel of it, when
    ``sub_order_id`` is set)."""

    event_type: ClassVar[str] = "agora.order.order.delivered.v1"

    buyer_id: UUID
    vendor_id: UUID | None = None
    sub_order_id: UUID | None = None
    delivered_at: datetime | None = None
    order_number: str | None = None


class OrderRefunded(_OrderEvent):
    """Money went back to the buyer: ``amount`` this time (a full or partial refund),
    ``total_refunded`` so far. This is the event the buyer is told about; the payment
    service's ``PaymentRefunded`` is for the ledger and is not mailed, so one refund
    makes one mail. ``refund_id`` tells two partial refunds apart."""

    event_type: ClassVar[str] = "agora.order.order.refunded.v1"

    buyer_id: UUID
    amount: Money
    total_refunded: Money | None = None
    refund_id: UUID | None = None
    reason: str | None = None
    refunded_at: datetime | None = None
    order_number: str | None = None
    fully_refunded: bool = Field(
        default=False, description="The whole order's total has now been given back"
    )


# --- Asked of the payment service by the order service's saga. Published on the
# order topic (keyed by order id), so they stay in order with the order's own events.


class PaymentRequested(EventPayload):
    """The order's stock is reserved: create a payment intent for ``amount``. The
    payment service answers ``PaymentIntentCreated`` (once per order, however often
    this is delivered)."""

    topic: ClassVar[str] = ORDER_TOPIC
    event_type: ClassVar[str] = "agora.order.order.payment_requested.v1"

    order_id: UUID
    buyer_id: UUID
    amount: Money
    payment_method: str | None = None
    vendor_amounts: dict[str, int] = Field(
        default_factory=dict,
        description=(
            "Vendor id to what the buyer paid for its sub-order (minor units, after its"
            " share of any discount), for payouts"
        ),
    )
    vendor_list_amounts: dict[str, int] = Field(
        default_factory=dict,
        description=(
            "Vendor id to its sub-order's list-price subtotal, when the platform funds"
            " the discount (the platform then gives up its fee first; ADR 0045)"
        ),
    )
    order_number: str | None = None


class RefundRequested(EventPayload):
    """Give ``amount`` back on the order's payment (the buyer cancelled a paid order,
    or a payment arrived for an order already cancelled). ``request_id`` makes a
    redelivery refund once."""

    topic: ClassVar[str] = ORDER_TOPIC
    event_type: ClassVar[str] = "agora.order.order.refund_requested.v1"

    order_id: UUID
    buyer_id: UUID
    payment_id: UUID | None = None
    amount: Money
    request_id: UUID
    reason: str | None = None


# --- Returns (ADR 0116): a buyer sends delivered lines back. Published on the order
# topic, keyed by order id, so they stay in order with the order's own events.


class ReturnLine(BaseModel):
    """``quantity`` units of the order line ``order_line_id`` (``sku``) sent back."""

    model_config = ConfigDict(frozen=True)

    order_line_id: UUID
    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)


class _ReturnEvent(_OrderEvent):
    return_id: UUID
    buyer_id: UUID
    vendor_id: UUID
    lines: list[ReturnLine] = Field(min_length=1)


class ReturnRequested(_ReturnEvent):
    """The buyer asked to send these delivered lines back; the store decides."""

    event_type: ClassVar[str] = "agora.order.order.return_requested.v1"

    reason: str
    requested_at: datetime


class ReturnApproved(_ReturnEvent):
    """The store accepts the return; ``restock``: the units go back on sale once
    received."""

    event_type: ClassVar[str] = "agora.order.order.return_approved.v1"

    restock: bool
    approved_at: datetime


class ReturnRejected(_ReturnEvent):
    """The store refused the return, for ``reason`` (shown to the buyer)."""

    event_type: ClassVar[str] = "agora.order.order.return_rejected.v1"

    reason: str
    rejected_at: datetime


class ReturnReceived(_ReturnEvent):
    """The store has the parcel back: ``refund`` is asked of the payment service (a
    ``RefundRequested`` whose ``request_id`` is the return's id), and with ``restock``
    the catalog puts the units back on hand."""

    event_type: ClassVar[str] = "agora.order.order.return_received.v1"

    restock: bool
    refund: Money
    received_at: datetime


class ReturnRefunded(_ReturnEvent):
    """The payment service gave the return's ``refund`` back to the buyer."""

    event_type: ClassVar[str] = "agora.order.order.return_refunded.v1"

    refund: Money
    refund_id: UUID | None = None
    refunded_at: datetime
