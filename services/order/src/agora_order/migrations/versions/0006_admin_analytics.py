"""Admin analytics: carts begun (the conversion's denominator) and an index on the
orders' placing time for ranges and the orders export (ADR 0101).

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
        "cart_starts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("buyer_id", sa.UUID(), nullable=False),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_starts")),
    )
    op.create_index(op.f("ix_cart_starts_started_at"), "cart_starts", ["started_at"], unique=False)
    op.create_index("ix_orders_placed_at_id", "orders", ["placed_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_orders_placed_at_id", table_name="orders")
    op.drop_index(op.f("ix_cart_starts_started_at"), table_name="cart_starts")
    op.drop_table("cart_starts")
