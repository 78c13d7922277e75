"""Discount allocation: each sub-order's share of the discount, and who funds a coupon.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sub_orders",
        sa.Column("discount_amount", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.add_column(
        "coupons",
        sa.Column("funded_by", sa.String(length=16), server_default="vendor", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_coupons_funded_by_known"), "coupons", "funded_by IN ('vendor', 'platform')"
    )
    op.add_column(
        "orders",
        sa.Column(
            "discount_funded_by", sa.String(length=16), server_default="vendor", nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("orders", "discount_funded_by")
    op.drop_constraint(op.f("ck_coupons_funded_by_known"), "coupons", type_="check")
    op.drop_column("coupons", "funded_by")
    op.drop_column("sub_orders", "discount_amount")
