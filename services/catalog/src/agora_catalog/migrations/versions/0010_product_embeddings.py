"""Product embeddings: one all-MiniLM-L6-v2 vector per product, for similar products
and search by meaning, with an HNSW index on cosine distance (pgvector; ADR 0123).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agora_catalog.models import Vector

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "product_embeddings",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("embedding", Vector(), nullable=False),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "embedded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_product_embeddings_product_id_products")
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_product_embeddings")),
    )
    op.create_index(
        "ix_product_embeddings_cosine",
        "product_embeddings",
        ["embedding"],
        unique=False,
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_product_embeddings_cosine", table_name="product_embeddings")
    op.drop_table("product_embeddings")
    op.execute("DROP EXTENSION IF EXISTS vector")
