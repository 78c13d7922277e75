"""The PostgreSQL search backend's index: weighted tsvector documents with GIN indexes,
and the vocabulary and titles that pg_trgm searches for typos and suggestions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Trigram similarity for typo tolerance and suggestions; in the standard contrib
    # set of every PostgreSQL distribution (and of managed ones).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_documents",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("vendor_id", sa.Uuid(), nullable=False),
        sa.Column("vendor_name", sa.String(length=120), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("category_path", postgresql.ARRAY(sa.UUID()), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_folded", sa.String(length=200), nullable=False),
        sa.Column("attributes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("price_min", sa.BigInteger(), nullable=False),
        sa.Column("price_max", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("rating_average", sa.Float(), nullable=True),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.Column(
            "indexed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_search_documents")),
    )
    op.create_index(
        "ix_search_documents_attributes",
        "search_documents",
        ["attributes"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_search_documents_category_path",
        "search_documents",
        ["category_path"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_search_documents_document",
        "search_documents",
        ["document"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_search_documents_newest",
        "search_documents",
        ["published_at", "product_id"],
        unique=False,
    )
    op.create_index(
        "ix_search_documents_price", "search_documents", ["price_min", "product_id"], unique=False
    )
    op.create_index(
        "ix_search_documents_title_trgm",
        "search_documents",
        ["title_folded"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"title_folded": "gin_trgm_ops"},
    )
    op.create_index(
        op.f("ix_search_documents_vendor_id"), "search_documents", ["vendor_id"], unique=False
    )
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_terms")),
    )
    op.create_index(
        "ix_search_terms_term_trgm",
        "search_terms",
        ["term"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_index(
        "ix_search_terms_term_trgm",
        table_name="search_terms",
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )
    op.drop_table("search_terms")
    op.drop_index(op.f("ix_search_documents_vendor_id"), table_name="search_documents")
    op.drop_index(
        "ix_search_documents_title_trgm",
        table_name="search_documents",
        postgresql_using="gin",
        postgresql_ops={"title_folded": "gin_trgm_ops"},
    )
    op.drop_index("ix_search_documents_price", table_name="search_documents")
    op.drop_index("ix_search_documents_newest", table_name="search_documents")
    op.drop_index(
        "ix_search_documents_document", table_name="search_documents", postgresql_using="gin"
    )
    op.drop_index(
        "ix_search_documents_category_path", table_name="search_documents", postgresql_using="gin"
    )
    op.drop_index(
        "ix_search_documents_attributes", table_name="search_documents", postgresql_using="gin"
    )
    op.drop_table("search_documents")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
