"""Vendors: only which user owns which store; the name and the active flag were
never read (a vendor's own payouts need the owner alone, ADR 0098).

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
    op.drop_column("vendors", "active")
    op.drop_column("vendors", "name")


def downgrade() -> None:
    # The names are not kept anywhere: rows get an empty one (0006's code refreshed them
    # from the catalog's next vendor event). The defaults only fill existing rows; 0006
    # had none.
    op.add_column("vendors", sa.Column("name", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "vendors", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.alter_column("vendors", "name", server_default=None)
    op.alter_column("vendors", "active", server_default=None)
