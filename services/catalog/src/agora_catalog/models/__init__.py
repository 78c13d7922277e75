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
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

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


# The search backend's index tables and the product embeddings share this metadata (and
# the migrations).
from agora_catalog.models.search import (  # noqa: E402
    EMBEDDING_DIMENSIONS,
    ProductEmbedding,
    SearchDocument,
    SearchTerm,
    Vector,
)

__all__ = ["EMBEDDING_DIMENSIONS", "ProductEmbedding", "SearchDocument", "SearchTerm", "Vector"]
