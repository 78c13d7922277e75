"""The codes texted to a number, indexed by number and time for its daily cap
(ADR 0117): many accounts asking for one number must not text it without end.

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
    op.create_index(
        "ix_one_time_tokens_phone_created_at",
        "one_time_tokens",
        ["phone", "created_at"],
        postgresql_where=sa.text("phone IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_one_time_tokens_phone_created_at", table_name="one_time_tokens")
