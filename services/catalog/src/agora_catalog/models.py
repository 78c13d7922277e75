"""The catalog service's tables. Its outbox, inbox and dead-letter tables come from
``agora_kit.events.tables`` and share its database and migrations.

Relationships are not declared: every query says what it loads, so nothing is
fetched lazily behind a route's back.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    cast,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import UserDefinedType

from agora_kit.db import new_metadata

VENDOR_PENDING = "pending"
VENDOR_APPROVED = "approved"
VENDOR_SUSPENDED = "suspended"

PRODUCT_DRAFT = "draft"
PRODUCT_PUBLISHED = "published"
PRODUCT_UNPUBLISHED = "unpublished"

IMAGE_PROCESSING = "processing"
IMAGE_READY = "ready"
IMAGE_FAILED = "failed"

RESERVATION_ACTIVE = "active"
RESERVATION_FAILED = "failed"
RESERVATION_RELEASED = "released"
RESERVATION_EXPIRED = "expired"
RESERVATION_COMMITTED = "committed"


class Base(DeclarativeBase):
    metadata = new_metadata()


EMBEDDING_DIMENSIONS = 384


class Vector(UserDefinedType[list[float]]):
    """pgvector's ``vector(384)``. Values go to the server as text (``[0.1,...]``) and
    are cast there, so the driver needs no codec for the type; nothing reads a vector
    back, distances are computed in SQL."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return f"vector({EMBEDDING_DIMENSIONS})"

    def bind_processor(self, dialect: Any) -> Any:
        def process(value: list[float] | None) -> str | None:
            return None if value is None else "[" + ",".join(f"{v:.7g}" for v in value) + "]"

        return process

    def bind_expression(self, bindvalue: Any) -> ColumnElement[Any]:
        return cast(bindvalue, _VectorText())


class _VectorText(UserDefinedType[str]):
    """The target of :class:`Vector`'s cast: ``vector``, without a bind expression of
    its own."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return "vector"


def _now() -> MappedColumn[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Vendor(Base):
    """A store. ``owner_id`` is the user who applied; one store per user."""

    __tablename__ = "vendors"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'suspended')", name="status"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Two stores may not differ only in case or punctuation.
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[str] = mapped_column(String(16), server_default=VENDOR_PENDING)
    low_stock_threshold: Mapped[int] = mapped_column(Integer, server_default=text("5"))
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # KYC at the payment provider (pending, verified, rejected), from the payment
    # service's ConnectAccountUpdated (ADR 0104); None until the store onboards.
    kyc_status: Mapped[str | None] = mapped_column(String(16))
    kyc_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (
        # Siblings have distinct names; NULLS NOT DISTINCT makes that hold at the root too.
        UniqueConstraint("parent_id", "name", postgresql_nulls_not_distinct=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'unpublished')", name="status"),
        # Browse: the newest published products, keyset-paginated.
        Index(
            "ix_products_published",
            "published_at",
            "id",
            postgresql_where=text("status = 'published' AND deleted_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    vendor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vendors.id"), index=True)
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    attributes: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    # The first ready uploaded image's `medium` thumbnail URL, kept in step by the image
    # transitions (ready, deleted): listings, search and events read it with the row
    # (ADR 0109). None without a ready upload.
    cover_image_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default=PRODUCT_DRAFT)
    rating_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    rating_sum: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProductImage(Base):
    """An uploaded image of a product: the cleaned original under ``original_key`` in
    the media store; its thumbnails, once made (``ready``), beside it (ADR 0103)."""

    __tablename__ = "product_images"
    __table_args__ = (
        CheckConstraint("state IN ('processing', 'ready', 'failed')", name="state"),
        # A product's images in upload order; the thumbnail worker's queue.
        Index("ix_product_images_product", "product_id", "created_at", "id"),
        Index(
            "ix_product_images_processing",
            "created_at",
            postgresql_where=text("state = 'processing'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), server_default=IMAGE_PROCESSING)
    content_type: Mapped[str] = mapped_column(String(32))
    original_key: Mapped[str] = mapped_column(String(512))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    # Thumbnail runs that failed for a reason other than the image itself (the store
    # unreachable); the image is marked failed after a few.
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()


class Variant(Base):
    """A sellable SKU. SKUs are unique across the catalog and never reused."""

    __tablename__ = "variants"
    __table_args__ = (CheckConstraint("price_amount >= 0", name="price_amount"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    price_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    attributes: Mapped[dict[str, str]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Inventory(Base):
    """Stock of one SKU. The checks are the last line against overselling: whatever a
    bug did, PostgreSQL refuses a row with more reserved than on hand."""

    __tablename__ = "inventory"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand"),
        CheckConstraint("reserved >= 0", name="reserved"),
        CheckConstraint("reserved <= on_hand", name="not_oversold"),
    )

    sku: Mapped[str] = mapped_column(
        String(64), ForeignKey("variants.sku", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    vendor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vendors.id"), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    reserved: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[datetime] = _now()

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Reservation(Base):
    """What the catalog did for one order, keyed by order id so a repeated request for
    the same order never reserves twice. Failed and released orders keep their row."""

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('active', 'failed', 'released', 'expired', 'committed')", name="status"
        ),
        # The expiry sweep looks only at active reservations, oldest deadline first.
        Index(
            "ix_reservations_expiry",
            "expires_at",
            postgresql_where=text("status = 'active'"),
        ),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    buyer_id: Mapped[uuid.UUID | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()


class ReservationLine(Base):
    __tablename__ = "reservation_lines"
    __table_args__ = (
        PrimaryKeyConstraint("order_id", "sku"),
        CheckConstraint("quantity > 0", name="quantity"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reservations.order_id", ondelete="CASCADE")
    )
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)


class Purchase(Base):
    """A confirmed order of a product by a buyer, learned from the order service:
    what makes a buyer a verified reviewer."""

    __tablename__ = "purchases"
    __table_args__ = (PrimaryKeyConstraint("buyer_id", "product_id", "order_id"),)

    buyer_id: Mapped[uuid.UUID] = mapped_column()
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    # A cancelled or fully refunded order's purchases are forgotten by order id.
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    confirmed_at: Mapped[datetime] = _now()


class CoPurchase(Base):
    """How many confirmed orders held both products: one row per ordered pair, both
    directions, so a product's "also bought" list is one index range (ADR 0122)."""

    __tablename__ = "co_purchases"
    __table_args__ = (
        PrimaryKeyConstraint("product_id", "other_product_id"),
        CheckConstraint("product_id <> other_product_id", name="distinct_products"),
        CheckConstraint("count > 0", name="count"),
        # A product's pairs in the order its "also bought" list shows them.
        Index(
            "ix_co_purchases_ranking",
            "product_id",
            text("count DESC"),
            text("updated_at DESC"),
            "other_product_id",
        ),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    other_product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    count: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = _now()


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("product_id", "author_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        Index("ix_reviews_product_created", "product_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    author_id: Mapped[uuid.UUID] = mapped_column()
    rating: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = _now()


class Wish(Base):
    """An item on a buyer's wishlist: one SKU of a product, or (``sku`` null) the
    product as a whole, whichever variant. Adding it again changes nothing."""

    __tablename__ = "wishes"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id", "sku", postgresql_nulls_not_distinct=True),
        Index("ix_wishes_user_created", "user_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column()
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str | None] = mapped_column(String(64), ForeignKey("variants.sku"), index=True)
    created_at: Mapped[datetime] = _now()


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
