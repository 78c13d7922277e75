"""The notification service's tables. Its outbox, inbox and dead-letter tables come from
``agora_kit.events.tables`` and share its database and migrations.

- ``contacts``: what the service knows to reach a user (address, name, locale, phone),
  learned from the user service's events and anonymised on ``user.deleted``.
- ``preferences``: the user's choices per category and channel (defaults are not rows).
- ``notifications``: one row per thing a user was told; the in-app feed is the rows
  with ``in_feed``. ``(user_id, dedupe_key)`` is unique, so an event, however often
  delivered, tells its story once.
- ``deliveries`` and ``delivery_attempts``: each channel's message and every attempt to
  send it (the delivery log), with ``dead`` as the dead-letter state.
- ``push_devices``: where push messages go.
- ``webhook_endpoints``, ``webhook_deliveries``, ``webhook_order_vendors``: outbound
  webhooks (ADR 0091): the subscribers' endpoints with their sealed secrets, one
  delivery per event and endpoint (the outbox of the delivery worker and the delivery
  log), and which stores an order concerns, so a store's endpoints hear of its payments.
- ``vendors``, ``orders``, ``skus``, ``products``: small projections of other services'
  events, so a low-stock alert finds the store's owner, a cancellation its buyer and a
  question about a product its store.
- ``conversations``, ``messages``, ``message_reports``, ``live_sockets``: buyers'
  conversations with stores and support (ADR 0119), in :mod:`.messages`.
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
    Identity,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from agora_kit.db import new_metadata
from agora_notification.domain import CATEGORIES

DELIVERY_STATUSES = ("pending", "sent", "dead", "skipped")
WEBHOOK_DELIVERY_STATUSES = ("pending", "succeeded", "failed")
ATTEMPT_OUTCOMES = ("sent", "failed", "rejected")


class Base(DeclarativeBase):
    metadata = new_metadata()


def _created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Contact(Base):
    __tablename__ = "contacts"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # NULL once the user is erased (GDPR); the row stays so late events find nobody.
    email: Mapped[str | None] = mapped_column(String(320))
    full_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(35))
    phone: Mapped[str | None] = mapped_column(String(32))
    email_verified: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    # Holds the admin role now (registered so, or from ``user.role_changed``): one of
    # support's admins, told of a buyer's support message (ADR 0119).
    admin: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _created_at()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_contacts_admins", "user_id", postgresql_where=text("admin")),)


class Preference(Base):
    __tablename__ = "preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    updated_at: Mapped[datetime] = _created_at()

    __table_args__ = (
        PrimaryKeyConstraint("user_id", "category", "channel", name="pk_preferences"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("channel", ("email", "sms", "push", "in_app")), name="channel"),
    )


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    # What makes two notifications the same one (an order's confirmation, an event).
    dedupe_key: Mapped[str] = mapped_column(String(255), nullable=False)
    event_id: Mapped[str | None] = mapped_column(String(64))
    # The feed's text: never a secret (no verification or reset link).
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str | None] = mapped_column(String(2000))
    data: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    in_feed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = _created_at()
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_id_dedupe_key"),
        Index("ix_notifications_user_id_created_at_id", "user_id", "created_at", "id"),
        Index(
            "ix_notifications_unread",
            "user_id",
            postgresql_where=text("in_feed AND read_at IS NULL"),
        ),
    )


class Delivery(Base):
    """One message on one channel. ``pending`` until sent; ``dead`` after the last
    attempt (or a permanent refusal); ``skipped`` when the channel had no address.
    Erasing the user deletes them."""

    __tablename__ = "deliveries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    recipient: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    subject: Mapped[str | None] = mapped_column(String(300))
    # The rendered message; dropped once the delivery is final (it may hold a link
    # with a single-use token).
    content: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _created_at()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(_in("status", DELIVERY_STATUSES), name="status"),
        CheckConstraint(_in("channel", ("email", "sms", "push")), name="channel"),
        Index(
            "ix_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )


class DeliveryAttempt(Base):
    """The delivery log: every attempt, its outcome and the server's answer."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False
    )
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        UniqueConstraint("delivery_id", "attempt", name="uq_delivery_attempts_delivery_id"),
        CheckConstraint(_in("outcome", ATTEMPT_OUTCOMES), name="outcome"),
    )


class PushDevice(Base):
    __tablename__ = "push_devices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    platform: Mapped[str] = mapped_column(String(16), nullable=False)
    token: Mapped[str] = mapped_column(String(512), nullable=False, unique=True)
    created_at: Mapped[datetime] = _created_at()

    __table_args__ = (CheckConstraint(_in("platform", ("ios", "android", "web")), name="platform"),)


class VendorRef(Base):
    __tablename__ = "vendors"

    vendor_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # Looked up by owner on every conversation request (ADR 0119).
    owner_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[datetime] = _created_at()


class ProductRef(Base):
    __tablename__ = "products"

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    vendor_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    updated_at: Mapped[datetime] = _created_at()


class OrderRef(Base):
    __tablename__ = "orders"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    buyer_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    order_number: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = _created_at()


class SkuRef(Base):
    __tablename__ = "skus"

    sku: Mapped[str] = mapped_column(String(100), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    updated_at: Mapped[datetime] = _created_at()


class WebhookEndpoint(Base):
    """A subscriber's URL and the event types it wants. ``vendor_id`` null: every
    store's events (an admin's endpoint); set: that store's only. The secrets are
    sealed under the service's secret key; ``previous_secret`` still signs until
    ``previous_secret_expires_at`` after a rotation."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    url: Mapped[str] = mapped_column(String(2048), nullable=False)
    events: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    description: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    secret: Mapped[str] = mapped_column(Text, nullable=False)
    previous_secret: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consecutive_failures: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0")
    )
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _created_at()


class WebhookDelivery(Base):
    """One event for one endpoint: its body as signed, and where its delivery stands.
    ``pending`` until a 2xx answer (``succeeded``) or the retry window closes
    (``failed``); ``id`` is the ``webhook-id`` a receiver dedupes on."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[str] = mapped_column(String(255), nullable=False)
    event_type: Mapped[str] = mapped_column(String(64), nullable=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Retries stop once this is older than the retry window (a redelivery resets it).
    window_started_at: Mapped[datetime] = _created_at()
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_status: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()

    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),
        CheckConstraint(_in("status", WEBHOOK_DELIVERY_STATUSES), name="status"),
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at", "id"),
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )


class WebhookOrderVendor(Base):
    """A store an order buys from, learned from ``order.placed``."""

    __tablename__ = "webhook_order_vendors"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    vendor_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = _created_at()


# The conversations' tables share this metadata (and the migrations).
from agora_notification.models.messages import (  # noqa: E402
    Conversation,
    LiveSocket,
    Message,
    MessageReport,
)

__all__ = ["Conversation", "LiveSocket", "Message", "MessageReport"]
