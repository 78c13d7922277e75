"""Vendors: which user owns which store, from the catalog's vendor events, for the
vendor's own payouts (ADR 0098).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("vendor_id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("vendor_id", name=op.f("pk_vendors")),
    )
    op.create_index(op.f("ix_vendors_owner_id"), "vendors", ["owner_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_vendors_owner_id"), table_name="vendors")
    op.drop_table("vendors")
