"""Indexes for the admin's payment search: newest first in (created_at, id) order, and
by the order's number (ADR 0106).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_payments_created_at_id", "payments", ["created_at", "id"], unique=False)
    op.create_index("ix_payments_order_number", "payments", ["order_number"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_payments_order_number", table_name="payments")
    op.drop_index("ix_payments_created_at_id", table_name="payments")
