"""Vendor payouts: the payment service's payouts as its events tell them, for the
vendor's dashboard (ADR 0098).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vendor_payouts",
        sa.Column("payout_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("vendor_id", sa.UUID(), nullable=False),
        sa.Column("fee_amount", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reversed_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.PrimaryKeyConstraint("payout_id", name=op.f("pk_vendor_payouts")),
    )
    op.create_index(
        op.f("ix_vendor_payouts_order_id"), "vendor_payouts", ["order_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_vendor_payouts_order_id"), table_name="vendor_payouts")
    op.drop_table("vendor_payouts")
