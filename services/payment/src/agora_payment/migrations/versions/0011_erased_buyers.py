"""An erased buyer's payments stay (bookkeeping) without the intent's client secret,
which would read the intent's billing details at the provider: it may be NULL (ADR
0112).

A downgrade gives erased payments an empty secret, which confirms nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("payments", "client_secret", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE payments SET client_secret = '' WHERE client_secret IS NULL")
    op.alter_column("payments", "client_secret", existing_type=sa.Text(), nullable=False)
