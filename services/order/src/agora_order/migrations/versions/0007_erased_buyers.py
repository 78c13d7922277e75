"""An erased buyer's orders keep their amounts but not where they went: the shipping
address may be NULL (ADR 0112).

A downgrade gives erased orders an empty object, which the older version shows as an
address it cannot read; the erasure is not undone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("orders", "shipping_address", existing_type=postgresql.JSONB(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE orders SET shipping_address = '{}'::jsonb WHERE shipping_address IS NULL")
    op.alter_column(
        "orders",
        "shipping_address",
        existing_type=postgresql.JSONB(),
        nullable=False,
        server_default=None,
    )
