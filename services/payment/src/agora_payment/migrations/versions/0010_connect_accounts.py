"""Connect accounts: each vendor's Stripe Connect account, its state and KYC status
(ADR 0104).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connect_accounts",
        sa.Column("vendor_id", sa.UUID(), nullable=False),
        sa.Column("account_id", sa.String(length=255), nullable=False),
        sa.Column("charges_enabled", sa.Boolean(), nullable=False),
        sa.Column("payouts_enabled", sa.Boolean(), nullable=False),
        sa.Column("details_submitted", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=64), nullable=True),
        sa.Column("currently_due", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("kyc_status", sa.String(length=16), nullable=False),
        sa.Column(
            "state_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
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
            "kyc_status IN ('pending', 'verified', 'rejected')",
            name=op.f("ck_connect_accounts_kyc_known"),
        ),
        sa.PrimaryKeyConstraint("vendor_id", name=op.f("pk_connect_accounts")),
    )
    op.create_index(
        op.f("ix_connect_accounts_account_id"), "connect_accounts", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_connect_accounts_account_id"), table_name="connect_accounts")
    op.drop_table("connect_accounts")
