"""Product images: uploads kept in the media store, their thumbnails made in the
background (ADR 0103).

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
        "product_images",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="processing", nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("original_key", sa.String(length=512), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "state IN ('processing', 'ready', 'failed')",
            name=op.f("ck_product_images_state"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_images_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_images")),
    )
    op.create_index(
        "ix_product_images_product",
        "product_images",
        ["product_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_product_images_processing",
        "product_images",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("state = 'processing'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_product_images_processing",
        table_name="product_images",
        postgresql_where=sa.text("state = 'processing'"),
    )
    op.drop_index("ix_product_images_product", table_name="product_images")
    op.drop_table("product_images")
