"""Purchases found by order: a cancelled or fully refunded order's purchases are
forgotten, so it no longer makes its buyer a verified reviewer.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_purchases_order_id"), "purchases", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_purchases_order_id"), table_name="purchases")
