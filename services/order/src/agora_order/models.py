"""The order service's tables. Its outbox, inbox and dead-letter tables come from
``agora_kit.events.tables`` and share its database and migrations.

Money is integer minor units everywhere (``*_amount`` columns) beside one ISO 4217
``currency`` per row. Relationships are not declared: every query says what it loads.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from agora_kit.db import new_metadata

# The states of an order, between which the checkout saga (``service/saga.py``) moves
# it, and those of a vendor's sub-order.
PENDING = "pending"
AWAITING_PAYMENT = "awaiting_payment"
CONFIRMED = "confirmed"
SHIPPED = "shipped"
DELIVERED = "delivered"
CANCELLED = "cancelled"
REFUNDED = "refunded"
UNPAID = (PENDING, AWAITING_PAYMENT)  # what a payment timeout cancels
OPEN = (*UNPAID, CONFIRMED)  # cancellable while no part has shipped (orders.cancellable)

SUB_PENDING = "pending"
SUB_SHIPPED = "shipped"
SUB_DELIVERED = "delivered"
SUB_CANCELLED = "cancelled"

# The states of a return (``service/returns.py``, ADR 0116).
RETURN_REQUESTED = "requested"
RETURN_APPROVED = "approved"
RETURN_REJECTED = "rejected"
RETURN_RECEIVED = "received"
RETURN_REFUNDED = "refunded"


class Base(DeclarativeBase):
    metadata = new_metadata()


def _now() -> MappedColumn[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


def _part_of(parent: str) -> MappedColumn[uuid.UUID]:
    """The indexed reference of a row to the ``parent`` (``orders.id``) it is part of:
    required, and deleted with it."""
    return mapped_column(
        PGUUID(as_uuid=True),
        ForeignKey(parent, ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


class Sku(Base):
    """The order service's read model of one sellable SKU, rebuilt from the catalog's
    product snapshots and stock events. ``product_version``/``stock_version`` are the
    times of the newest events applied, so an older event arriving late is ignored."""

    __tablename__ = "skus"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    price_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    available: Mapped[int] = mapped_column(Integer, nullable=False)
    for_sale: Mapped[bool] = mapped_column(Boolean, nullable=False)
    product_version: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    stock_version: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CartItem(Base):
    """One line of a buyer's cart: a SKU and how many. Prices are not kept here: the
    cart is always priced from the read model, live."""

    __tablename__ = "cart_items"
    __table_args__ = (
        PrimaryKeyConstraint("buyer_id", "sku"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    buyer_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    sku: Mapped[str] = mapped_column(String(64), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    added_at: Mapped[datetime] = _now()


class CartStart(Base):
    """A cart begun: the first item put into an empty cart (a new one, or the next
    after checkout). The admin analytics' conversion is paid orders over these
    (ADR 0101)."""

    __tablename__ = "cart_starts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    buyer_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), index=True
    )


class Order(Base):
    """A buyer's order and the checkout saga's state (``status``), persisted so the
    saga survives restarts; every move is also written to ``order_transitions``."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_buyer_id_placed_at", "buyer_id", "placed_at"),
        Index("ix_orders_status_updated_at", "status", "updated_at"),
        # Admin analytics and the orders export read a range of placing times.
        Index("ix_orders_placed_at_id", "placed_at", "id"),
        CheckConstraint("total_amount >= 0", name="total_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    number: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    buyer_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    stock_reserved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    subtotal_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    discount_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    shipping_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    tax_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    total_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    coupon_code: Mapped[str | None] = mapped_column(String(64))
    # Who gives the discount up: the vendors (their payouts are what was collected)
    # or the platform (from its fee); see ADR 0045.
    discount_funded_by: Mapped[str] = mapped_column(
        String(16), nullable=False, default="vendor", server_default="vendor"
    )
    # The tax rule applied (ADR 0113): its rate, and whether prices included it
    # (VAT-style) or it was added on top; ``tax_source`` is the table key (``DE``,
    # ``US-CA``), None for the fallback rate.
    tax_rate_bps: Mapped[int | None] = mapped_column(Integer)
    tax_included: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default="false"
    )
    tax_source: Mapped[str | None] = mapped_column(String(16))
    # NULL once the buyer is erased (ADR 0112).
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    payment_method: Mapped[str | None] = mapped_column(String(255))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(PGUUID(as_uuid=True))
    client_secret: Mapped[str | None] = mapped_column(Text)
    paid: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reserved_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SubOrder(Base):
    """One vendor's part of an order, shipped by that vendor."""

    __tablename__ = "sub_orders"

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    order_id: Mapped[uuid.UUID] = _part_of("orders.id")
    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    subtotal_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # This sub-order's part of the order's discount (pro rata to subtotals).
    discount_amount: Mapped[int] = mapped_column(
        BigInteger, nullable=False, default=0, server_default="0"
    )
    # Its shipping and its part of the order's tax, as charged at checkout (ADR 0113).
    shipping_amount: Mapped[int] = mapped_column(
        BigInteger, nullable=False, default=0, server_default="0"
    )
    tax_amount: Mapped[int] = mapped_column(
        BigInteger, nullable=False, default=0, server_default="0"
    )
    # The store's own shipping zone charged (None: the default rule), as it was then.
    shipping_zone_id: Mapped[uuid.UUID | None] = mapped_column(PGUUID(as_uuid=True))
    shipping_zone_name: Mapped[str | None] = mapped_column(Text)
    # What the store is owed of what the buyer paid (its collected share, ADR 0045 and
    # 0113): discounted goods, its own zone's shipping, less tax included in them.
    payable_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(128))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ShippingZone(Base):
    """A store's shipping zone (ADR 0113): the countries it covers (one zone per
    country and store, kept by ``shipping_zone_countries``) and its rate, in minor
    units of ``currency``: ``flat`` (``flat_amount``) or by ``weight``/``subtotal``
    ``bands`` (``[{"up_to": int | null, "amount": int}]``), free from
    ``free_over_amount``."""

    __tablename__ = "shipping_zones"
    __table_args__ = (
        CheckConstraint("rate_kind IN ('flat', 'weight', 'subtotal')", name="rate_kind_known"),
        CheckConstraint("flat_amount IS NULL OR flat_amount >= 0", name="flat_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    countries: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    rate_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    flat_amount: Mapped[int | None] = mapped_column(BigInteger)
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    free_over_amount: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()


class ShippingZoneCountry(Base):
    """A country a store's zone covers: at most one zone per store and country."""

    __tablename__ = "shipping_zone_countries"
    __table_args__ = (PrimaryKeyConstraint("vendor_id", "country"),)

    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    zone_id: Mapped[uuid.UUID] = _part_of("shipping_zones.id")


class OrderLine(Base):
    """What the buyer bought, priced as at checkout."""

    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    order_id: Mapped[uuid.UUID] = _part_of("orders.id")
    sub_order_id: Mapped[uuid.UUID] = _part_of("sub_orders.id")
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    sku: Mapped[str] = mapped_column(String(64), nullable=False)
    product_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    line_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)


class OrderTransition(Base):
    """The saga's log: each state an order entered, why, and on which event."""

    __tablename__ = "order_transitions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    order_id: Mapped[uuid.UUID] = _part_of("orders.id")
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(String(128), nullable=False)
    at: Mapped[datetime] = _now()


class Coupon(Base):
    """A discount code. ``used`` only grows through one conditional UPDATE, so a
    limited coupon is never redeemed more than ``max_uses`` times, whatever the
    concurrency."""

    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind_known"),
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("max_uses IS NULL OR used <= max_uses", name="never_over_used"),
        CheckConstraint("funded_by IN ('vendor', 'platform')", name="funded_by_known"),
    )

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str | None] = mapped_column(String(3))
    min_subtotal_amount: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    max_uses: Mapped[int | None] = mapped_column(Integer)
    max_uses_per_user: Mapped[int | None] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    funded_by: Mapped[str] = mapped_column(
        String(16), nullable=False, default="vendor", server_default="vendor"
    )
    created_at: Mapped[datetime] = _now()


class CouponRedemption(Base):
    """One use of a coupon by a buyer for an order (counted for per-user limits)."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (PrimaryKeyConstraint("code", "order_id"),)

    code: Mapped[str] = mapped_column(
        String(64), ForeignKey("coupons.code", ondelete="CASCADE"), nullable=False
    )
    order_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    buyer_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    created_at: Mapped[datetime] = _now()


class Vendor(Base):
    """Which user owns which store, from the catalog's vendor events: a vendor's
    routes show only the sub-orders of the stores the caller owns."""

    __tablename__ = "vendors"

    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False)


class VendorPayout(Base):
    """A store's payout of an order, from the payment service's payout events: the
    platform fee and what was transferred, less what refunds took back since; for the
    vendor's dashboard (ADR 0098)."""

    __tablename__ = "vendor_payouts"

    payout_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    fee_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reversed_amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)


class Return(Base):
    """A buyer's return of delivered lines of one sub-order and the store's answer (ADR
    0116); moves in ``return_transitions``; ``refund_amount`` fixed on receipt."""

    __tablename__ = "returns"
    __table_args__ = (Index("ix_returns_vendor_id_requested_at", "vendor_id", "requested_at"),)

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    order_id: Mapped[uuid.UUID] = _part_of("orders.id")
    sub_order_id: Mapped[uuid.UUID] = _part_of("sub_orders.id")
    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    buyer_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    restock: Mapped[bool | None] = mapped_column(Boolean)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    refund_amount: Mapped[int | None] = mapped_column(BigInteger)
    refund_id: Mapped[uuid.UUID | None] = mapped_column(PGUUID(as_uuid=True))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ReturnLine(Base):
    """``quantity`` units of one order line sent back in a return."""

    __tablename__ = "return_lines"
    __table_args__ = (
        PrimaryKeyConstraint("return_id", "order_line_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    return_id: Mapped[uuid.UUID] = _part_of("returns.id")
    order_line_id: Mapped[uuid.UUID] = _part_of("order_lines.id")
    sku: Mapped[str] = mapped_column(String(64), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)


class ReturnTransition(Base):
    """Each state a return entered, why, and on which cause."""

    __tablename__ = "return_transitions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    return_id: Mapped[uuid.UUID] = _part_of("returns.id")
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(String(128), nullable=False)
    at: Mapped[datetime] = _now()
