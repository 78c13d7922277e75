"""Conversations between buyers and stores or support (ADR 0119): conversations,
messages, abuse reports, the open live-feed sockets, the products' stores, and the
``messages`` preference category.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now(name: str) -> sa.Column[datetime]:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _category(values: str) -> None:
    op.drop_constraint(op.f("ck_preferences_category"), "preferences", type_="check")
    op.create_check_constraint(
        op.f("ck_preferences_category"), "preferences", f"category IN ({values})"
    )


def upgrade() -> None:
    _category("'account', 'orders', 'messages', 'marketing'")
    op.create_table(
        "products",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("vendor_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_products")),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("about", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=False),
        sa.Column("buyer_id", sa.Uuid(), nullable=False),
        sa.Column("vendor_id", sa.Uuid(), nullable=True),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("last_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("buyer_read_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("store_read_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("buyer_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("store_read_at", sa.DateTime(timezone=True), nullable=True),
        _now("created_at"),
        _now("last_message_at"),
        sa.CheckConstraint(
            "about IN ('product', 'order', 'support')", name=op.f("ck_conversations_about")
        ),
        sa.CheckConstraint(
            "(about = 'support') = (vendor_id IS NULL)", name=op.f("ck_conversations_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("buyer_id", "topic", name="uq_conversations_buyer_id_topic"),
    )
    op.create_index(
        op.f("ix_conversations_vendor_id"), "conversations", ["vendor_id"], unique=False
    )
    op.create_index(
        "ix_conversations_buyer_recent",
        "conversations",
        ["buyer_id", "last_message_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_conversations_support_recent",
        "conversations",
        ["last_message_at", "id"],
        unique=False,
        postgresql_where=sa.text("about = 'support'"),
    )
    op.create_table(
        "messages",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("sender_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "attachments",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        _now("created_at"),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("side IN ('buyer', 'store')", name=op.f("ck_messages_side")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("seq", name=op.f("uq_messages_seq")),
    )
    op.create_index(
        "ix_messages_conversation_id_seq", "messages", ["conversation_id", "seq"], unique=False
    )
    op.create_index(
        "ix_messages_sender_id_created_at", "messages", ["sender_id", "created_at"], unique=False
    )
    op.create_table(
        "message_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        _now("created_at"),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_reports_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_message_reports_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_reports")),
        sa.UniqueConstraint(
            "message_id", "reporter_id", name="uq_message_reports_message_reporter"
        ),
    )
    op.create_index(
        op.f("ix_message_reports_conversation_id"),
        "message_reports",
        ["conversation_id"],
        unique=False,
    )
    op.create_index(
        "ix_message_reports_created_at_id", "message_reports", ["created_at", "id"], unique=False
    )
    op.create_table(
        "live_sockets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sockets")),
    )
    op.create_index(op.f("ix_live_sockets_user_id"), "live_sockets", ["user_id"], unique=False)
    # A store owner's stores are looked up on every conversation request.
    op.create_index(op.f("ix_vendors_owner_id"), "vendors", ["owner_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_vendors_owner_id"), table_name="vendors")
    op.drop_table("live_sockets")
    op.drop_table("message_reports")
    op.drop_table("messages")
    op.drop_table("conversations")
    op.drop_table("products")
    op.execute("DELETE FROM preferences WHERE category = 'messages'")
    _category("'account', 'orders', 'marketing'")
