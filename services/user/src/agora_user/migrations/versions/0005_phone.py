"""A phone number on the account, verified by a texted code (ADR 0117): the number
and when it was verified, the number a code was sent to, and the code's purpose.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHECK = "ck_one_time_tokens_purpose"


def upgrade() -> None:
    op.add_column("users", sa.Column("phone", sa.String(length=16), nullable=True))
    op.add_column(
        "users", sa.Column("phone_verified_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("one_time_tokens", sa.Column("phone", sa.String(length=16), nullable=True))
    op.drop_constraint(op.f(_CHECK), "one_time_tokens", type_="check")
    op.create_check_constraint(
        op.f(_CHECK),
        "one_time_tokens",
        "purpose IN ('verify_email', 'verify_phone', 'reset_password', 'mfa_login')",
    )


def downgrade() -> None:
    op.execute("DELETE FROM one_time_tokens WHERE purpose = 'verify_phone'")
    op.drop_constraint(op.f(_CHECK), "one_time_tokens", type_="check")
    op.create_check_constraint(
        op.f(_CHECK),
        "one_time_tokens",
        "purpose IN ('verify_email', 'reset_password', 'mfa_login')",
    )
    op.drop_column("one_time_tokens", "phone")
    op.drop_column("users", "phone_verified_at")
    op.drop_column("users", "phone")
