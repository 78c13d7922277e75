"""Payouts made before the hold (0004) were transferred when they were made: their
``paid_at`` is their ``created_at``, not empty as 0004 left it.

The downgrade changes nothing: the times it filled in are true under either revision.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE payouts SET paid_at = created_at WHERE status = 'paid' AND paid_at IS NULL")


def downgrade() -> None:
    pass
