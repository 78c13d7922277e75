"""Co-purchases: how many confirmed orders held both products of a pair, for a
product's "customers also bought" list (ADR 0122).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "co_purchases",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("other_product_id", sa.Uuid(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "product_id <> other_product_id", name=op.f("ck_co_purchases_distinct_products")
        ),
        sa.CheckConstraint("count > 0", name=op.f("ck_co_purchases_count")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_co_purchases_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["other_product_id"],
            ["products.id"],
            name=op.f("fk_co_purchases_other_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("product_id", "other_product_id", name=op.f("pk_co_purchases")),
    )
    op.create_index(
        "ix_co_purchases_ranking",
        "co_purchases",
        ["product_id", sa.text("count DESC"), sa.text("updated_at DESC"), "other_product_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_co_purchases_ranking", table_name="co_purchases")
    op.drop_table("co_purchases")
