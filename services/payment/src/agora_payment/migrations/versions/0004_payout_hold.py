"""Payout hold: payouts are held until delivery or the end of the hold period; the
list prices of a platform-funded discount.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "payments",
        sa.Column(
            "vendor_list_amounts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
    )
    # Payouts made before the hold were transferred at once: they are paid.
    op.add_column(
        "payouts", sa.Column("status", sa.String(length=16), server_default="paid", nullable=False)
    )
    op.add_column("payouts", sa.Column("release_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("payouts", sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
    op.alter_column(
        "payouts", "provider_transfer_id", existing_type=sa.String(length=255), nullable=True
    )
    op.create_check_constraint(
        op.f("ck_payouts_status_known"),
        "payouts",
        "status IN ('held', 'paid', 'cancelled', 'reversed')",
    )
    op.create_index("ix_payouts_status_release_at", "payouts", ["status", "release_at"])


def downgrade() -> None:
    op.drop_index("ix_payouts_status_release_at", table_name="payouts")
    op.drop_constraint(op.f("ck_payouts_status_known"), "payouts", type_="check")
    # Before the hold every payout was transferred when made. A payout without a
    # transfer (held, or cancelled before its release) cannot be written in that
    # schema, and deleting it would lose what a vendor is owed: refuse instead.
    untransferred = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM payouts WHERE provider_transfer_id IS NULL"))
        .scalar_one()
    )
    if untransferred:
        raise RuntimeError(
            f"cannot downgrade below 0004: {untransferred} payouts have no transfer (held"
            " or cancelled), which the schema before the payout hold cannot hold; pay or"
            " remove them first"
        )
    op.alter_column(
        "payouts", "provider_transfer_id", existing_type=sa.String(length=255), nullable=False
    )
    op.drop_column("payouts", "paid_at")
    op.drop_column("payouts", "release_at")
    op.drop_column("payouts", "status")
    op.drop_column("payments", "vendor_list_amounts")
