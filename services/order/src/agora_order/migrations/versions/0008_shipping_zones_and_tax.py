"""Shipping zones per store and the shipping and tax charged per sub-order (ADR 0113).

Sub-orders placed before keep what they were: no shipping or tax of their own (the
order held them), and their payable amount is what ADR 0045 paid, subtotal less
discount.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipping_zones",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("vendor_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("countries", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rate_kind", sa.String(length=16), nullable=False),
        sa.Column("flat_amount", sa.BigInteger(), nullable=True),
        sa.Column("bands", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("free_over_amount", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "rate_kind IN ('flat', 'weight', 'subtotal')",
            name=op.f("ck_shipping_zones_rate_kind_known"),
        ),
        sa.CheckConstraint(
            "flat_amount IS NULL OR flat_amount >= 0",
            name=op.f("ck_shipping_zones_flat_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_zones")),
    )
    op.create_index(
        op.f("ix_shipping_zones_vendor_id"), "shipping_zones", ["vendor_id"], unique=False
    )
    op.create_table(
        "shipping_zone_countries",
        sa.Column("vendor_id", sa.UUID(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("zone_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["shipping_zones.id"],
            name=op.f("fk_shipping_zone_countries_zone_id_shipping_zones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vendor_id", "country", name=op.f("pk_shipping_zone_countries")),
    )
    op.create_index(
        op.f("ix_shipping_zone_countries_zone_id"),
        "shipping_zone_countries",
        ["zone_id"],
        unique=False,
    )
    for column in ("shipping_amount", "tax_amount"):
        op.add_column(
            "sub_orders", sa.Column(column, sa.BigInteger(), server_default="0", nullable=False)
        )
    op.add_column("sub_orders", sa.Column("shipping_zone_id", sa.UUID(), nullable=True))
    op.add_column("sub_orders", sa.Column("shipping_zone_name", sa.Text(), nullable=True))
    op.add_column("sub_orders", sa.Column("payable_amount", sa.BigInteger(), nullable=True))
    op.execute("UPDATE sub_orders SET payable_amount = subtotal_amount - discount_amount")
    op.alter_column("sub_orders", "payable_amount", nullable=False)
    op.add_column("orders", sa.Column("tax_rate_bps", sa.Integer(), nullable=True))
    op.add_column(
        "orders",
        sa.Column("tax_included", sa.Boolean(), server_default="false", nullable=False),
    )
    op.add_column("orders", sa.Column("tax_source", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "tax_source")
    op.drop_column("orders", "tax_included")
    op.drop_column("orders", "tax_rate_bps")
    for column in (
        "payable_amount",
        "shipping_zone_name",
        "shipping_zone_id",
        "tax_amount",
        "shipping_amount",
    ):
        op.drop_column("sub_orders", column)
    op.drop_index(op.f("ix_shipping_zone_countries_zone_id"), table_name="shipping_zone_countries")
    op.drop_table("shipping_zone_countries")
    op.drop_index(op.f("ix_shipping_zones_vendor_id"), table_name="shipping_zones")
    op.drop_table("shipping_zones")
