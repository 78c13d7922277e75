"""The conversations' tables (ADR 0119).

- ``conversations``: a buyer and a store about a product or an order, or a buyer and
  support. ``topic`` (``product:<id>``, ``order:<id>:<store>``, ``support``) is unique
  per buyer, so asking again continues the same conversation. Each side's read
  receipt is the ``seq`` of the last message it read.
- ``messages``: what each side wrote, in ``seq`` order; attachments are references to
  images the catalog stored (``{image_id, url}``), never files. Erasing the sender
  clears the body and the attachments and forgets the sender; an admin removing it
  after a report clears them too (``removed_at``).
- ``message_reports``: a party's report of a message as abusive, for the admins, open
  until an admin resolves it (``outcome`` dismissed or removed).
- ``live_sockets``: the live-feed sockets open now (any replica), refreshed at each
  heartbeat: a recipient with none is offline and is told by notification instead.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from agora_notification.domain import ABOUTS, OUTCOMES, SIDES
from agora_notification.models import Base, _created_at, _in


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    about: Mapped[str] = mapped_column(String(16), nullable=False)
    topic: Mapped[str] = mapped_column(String(120), nullable=False)
    buyer_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    # The store; null for support.
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    product_id: Mapped[uuid.UUID | None] = mapped_column()
    order_id: Mapped[uuid.UUID | None] = mapped_column()
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default=text("0"))
    buyer_read_seq: Mapped[int] = mapped_column(
        BigInteger, nullable=False, server_default=text("0")
    )
    store_read_seq: Mapped[int] = mapped_column(
        BigInteger, nullable=False, server_default=text("0")
    )
    buyer_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    store_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = _created_at()
    last_message_at: Mapped[datetime] = _created_at()

    __table_args__ = (
        UniqueConstraint("buyer_id", "topic", name="uq_conversations_buyer_id_topic"),
        CheckConstraint(_in("about", ABOUTS), name="about"),
        CheckConstraint("(about = 'support') = (vendor_id IS NULL)", name="store"),
        Index("ix_conversations_buyer_recent", "buyer_id", "last_message_at", "id"),
        Index(
            "ix_conversations_support_recent",
            "last_message_at",
            "id",
            postgresql_where=text("about = 'support'"),
        ),
    )


class Message(Base):
    __tablename__ = "messages"

    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    side: Mapped[str] = mapped_column(String(8), nullable=False)
    # Null once the sender is erased.
    sender_id: Mapped[uuid.UUID | None] = mapped_column()
    body: Mapped[str] = mapped_column(Text, nullable=False)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default=text("'[]'::jsonb")
    )
    created_at: Mapped[datetime] = _created_at()
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(_in("side", SIDES), name="side"),
        Index("ix_messages_conversation_id_seq", "conversation_id", "seq"),
        Index("ix_messages_sender_id_created_at", "sender_id", "created_at"),
    )


class MessageReport(Base):
    __tablename__ = "message_reports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    message_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), nullable=False
    )
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Null once the reporter is erased.
    reporter_id: Mapped[uuid.UUID | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    created_at: Mapped[datetime] = _created_at()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[uuid.UUID | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        UniqueConstraint("message_id", "reporter_id", name="uq_message_reports_message_reporter"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint("(resolved_at IS NULL) = (outcome IS NULL)", name="resolved"),
        Index("ix_message_reports_created_at_id", "created_at", "id"),
        Index(
            "ix_message_reports_open",
            "created_at",
            "id",
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )


class LiveSocket(Base):
    __tablename__ = "live_sockets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
