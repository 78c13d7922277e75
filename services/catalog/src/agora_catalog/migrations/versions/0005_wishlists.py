"""Wishlists: the products and SKUs a buyer wishes, told when one is back in stock or
cheaper.

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


def upgrade() -> None:
    op.create_table(
        "wishes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_wishes_product_id_products")
        ),
        sa.ForeignKeyConstraint(["sku"], ["variants.sku"], name=op.f("fk_wishes_sku_variants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wishes")),
        sa.UniqueConstraint(
            "user_id",
            "product_id",
            "sku",
            name=op.f("uq_wishes_user_id"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(op.f("ix_wishes_product_id"), "wishes", ["product_id"], unique=False)
    op.create_index(op.f("ix_wishes_sku"), "wishes", ["sku"], unique=False)
    op.create_index(
        "ix_wishes_user_created", "wishes", ["user_id", "created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_wishes_user_created", table_name="wishes")
    op.drop_index(op.f("ix_wishes_sku"), table_name="wishes")
    op.drop_index(op.f("ix_wishes_product_id"), table_name="wishes")
    op.drop_table("wishes")
