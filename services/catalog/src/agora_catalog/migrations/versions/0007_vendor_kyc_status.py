"""A store's KYC status at the payment provider, from the payment service's
ConnectAccountUpdated (ADR 0104).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("vendors", sa.Column("kyc_status", sa.String(length=16), nullable=True))
    op.add_column("vendors", sa.Column("kyc_updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("vendors", "kyc_updated_at")
    op.drop_column("vendors", "kyc_status")
