"""The catalog's derived tables: the PostgreSQL search backend's index and the product
embeddings (ADR 0123), with pgvector's column type."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    cast,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import UserDefinedType

from agora_catalog.models import Base, _now

EMBEDDING_DIMENSIONS = 384


class Vector(UserDefinedType[list[float]]):
    """pgvector's ``vector(384)``. Values go to the server as text (``[0.1,...]``) and
    are cast there, and come back as that text, parsed here: the driver needs no codec
    for the type. Distances are computed in SQL; only the indexer of a backend that
    keeps vectors in its documents reads them back."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return f"vector({EMBEDDING_DIMENSIONS})"

    def bind_processor(self, dialect: Any) -> Any:
        def process(value: list[float] | None) -> str | None:
            return None if value is None else "[" + ",".join(f"{v:.7g}" for v in value) + "]"

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        def process(value: str | None) -> list[float] | None:
            return None if value is None else [float(v) for v in value.strip("[]").split(",")]

        return process

    def bind_expression(self, bindvalue: Any) -> ColumnElement[Any]:
        return cast(bindvalue, _VectorText())


class _VectorText(UserDefinedType[str]):
    """The target of :class:`Vector`'s cast: ``vector``, without a bind expression of
    its own."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return "vector"


# --- The PostgreSQL search backend's index. It is a projection of the tables above,
# written only by the indexer (from events) and rebuilt by `agora catalog reindex`;
# nothing else reads or writes it.


class SearchDocument(Base):
    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_document", "document", postgresql_using="gin"),
        Index("ix_search_documents_category_path", "category_path", postgresql_using="gin"),
        Index("ix_search_documents_attributes", "attributes", postgresql_using="gin"),
        Index(
            "ix_search_documents_title_trgm",
            "title_folded",
            postgresql_using="gin",
            postgresql_ops={"title_folded": "gin_trgm_ops"},
        ),
        Index("ix_search_documents_price", "price_min", "product_id"),
        Index("ix_search_documents_newest", "published_at", "product_id"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    vendor_id: Mapped[uuid.UUID] = mapped_column(index=True)
    vendor_name: Mapped[str] = mapped_column(String(120))
    category_id: Mapped[uuid.UUID] = mapped_column()
    # The product's category and every ancestor, so a filter on a category finds
    # the products of its sub-categories too.
    category_path: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(PGUUID()))
    title: Mapped[str] = mapped_column(String(200))
    # Lower case, accents removed: what trigram suggestions compare against.
    title_folded: Mapped[str] = mapped_column(String(200))
    # "key:value", normalised, for exact attribute filters.
    attributes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    price_min: Mapped[int] = mapped_column(BigInteger)
    price_max: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    image_url: Mapped[str | None] = mapped_column(Text)
    rating_average: Mapped[float | None] = mapped_column(Float)
    rating_count: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    document: Mapped[str] = mapped_column(TSVECTOR)
    indexed_at: Mapped[datetime] = _now()


class ProductEmbedding(Base):
    """A product's text (title, category, attributes, description) as a unit vector of
    all-MiniLM-L6-v2, for similar products and search by meaning (ADR 0123). Written
    off the request path by the embedding worker; ``source_updated_at`` is the
    product's ``updated_at`` the vector was made from, so a later edit is seen as
    stale."""

    __tablename__ = "product_embeddings"
    __table_args__ = (
        Index(
            "ix_product_embeddings_cosine",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), primary_key=True)
    embedding: Mapped[list[float]] = mapped_column(Vector())
    source_updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    embedded_at: Mapped[datetime] = _now()


class SearchTerm(Base):
    """Every word of the indexed text, for typo correction: a query word that is not
    here is replaced by the most similar ones that are (pg_trgm)."""

    __tablename__ = "search_terms"
    __table_args__ = (
        Index(
            "ix_search_terms_term_trgm",
            "term",
            postgresql_using="gin",
            postgresql_ops={"term": "gin_trgm_ops"},
        ),
    )

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
