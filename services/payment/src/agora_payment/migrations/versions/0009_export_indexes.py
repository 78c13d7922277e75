"""Indexes for the admin's payouts and ledger exports, which read a range of creation
times in (created_at, id) order (ADR 0101).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_payouts_created_at_id", "payouts", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_ledger_entries_created_at_id", "ledger_entries", ["created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_created_at_id", table_name="ledger_entries")
    op.drop_index("ix_payouts_created_at_id", table_name="payouts")
