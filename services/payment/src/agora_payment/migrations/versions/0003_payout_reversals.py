"""Payout reversals: how much of each vendor payout was taken back by refunds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "payouts",
        sa.Column("reversed_amount", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_payouts_reversal_within_payout"),
        "payouts",
        "reversed_amount >= 0 AND reversed_amount <= amount",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_payouts_reversal_within_payout"), "payouts", type_="check")
    op.drop_column("payouts", "reversed_amount")
