"""Events of the catalog service, one topic per aggregate: vendors (stores, keyed by
vendor id), products (keyed by product id), categories, and inventory (reservation
outcomes keyed by order id, stock levels by SKU). The user service grants the
``vendor`` role to the owner on approval."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from agora_contracts.common import Money
from agora_contracts.events import EventPayload, topic_name

VENDOR_TOPIC = topic_name("catalog", "vendor")


class _VendorEvent(EventPayload):
    topic: ClassVar[str] = VENDOR_TOPIC

    vendor_id: UUID
    owner_id: UUID
    name: str


class VendorApproved(_VendorEvent):
    """An admin approved the store: its owner may now sell."""

    event_type: ClassVar[str] = "agora.catalog.vendor.approved.v1"

    approved_at: datetime | None = None


class VendorSuspended(_VendorEvent):
    """An admin suspended the store: its owner may no longer sell."""

    event_type: ClassVar[str] = "agora.catalog.vendor.suspended.v1"

    reason: str | None = None
    suspended_at: datetime | None = None


class VendorApplied(_VendorEvent):
    """A customer applied to sell; the store is ``pending`` until an admin decides."""

    event_type: ClassVar[str] = "agora.catalog.vendor.applied.v1"

    applied_at: datetime | None = None


class VendorUpdated(_VendorEvent):
    """The store's public details (its name) changed."""

    event_type: ClassVar[str] = "agora.catalog.vendor.updated.v1"

    status: str


# --- Products: one topic, keyed by product id. Each event carries the whole sellable
# picture of the product (a snapshot), so a read model (the order service's prices)
# is rebuilt from the newest event alone.

PRODUCT_TOPIC = topic_name("catalog", "product")


class VariantSnapshot(BaseModel):
    """One sellable SKU of a product as it is now."""

    model_config = ConfigDict(frozen=True)

    sku: str
    price: Money
    attributes: dict[str, str] = {}
    available: int = Field(description="on_hand - reserved when the event was written")


class _ProductSnapshot(EventPayload):
    topic: ClassVar[str] = PRODUCT_TOPIC

    product_id: UUID
    vendor_id: UUID
    category_id: UUID
    title: str
    image_url: str | None = Field(
        default=None,
        description="The product's cover: its first ready uploaded image's medium thumbnail,"
        " else its first external image URL",
    )
    variants: list[VariantSnapshot]
    published_at: datetime | None = None


class ProductPublished(_ProductSnapshot):
    """The product is now for sale: browse, search and carts may show it."""

    event_type: ClassVar[str] = "agora.catalog.product.published.v1"


class ProductUpdated(_ProductSnapshot):
    """A product for sale changed (title, category, a variant's price or attributes,
    a new variant, its cover image). Only published products announce their changes."""

    event_type: ClassVar[str] = "agora.catalog.product.updated.v1"


class ProductAnnounced(_ProductSnapshot):
    """A product for sale as it is now, sent again on an operator's request (``agora
    catalog announce``), not because it changed: projections made after it was
    published learn of it. A consumer keeping products may read it as a
    ``product.updated`` (the notification service does; the others ignore it); it is
    never sent to webhooks."""

    event_type: ClassVar[str] = "agora.catalog.product.announced.v1"


class _ProductWithdrawn(EventPayload):
    topic: ClassVar[str] = PRODUCT_TOPIC

    product_id: UUID
    vendor_id: UUID
    skus: list[str]


class ProductUnpublished(_ProductWithdrawn):
    """The product is no longer for sale (back to the vendor's drafts)."""

    event_type: ClassVar[str] = "agora.catalog.product.unpublished.v1"


class ProductDeleted(_ProductWithdrawn):
    """The product was deleted (soft: its SKUs stay taken); it will not come back."""

    event_type: ClassVar[str] = "agora.catalog.product.deleted.v1"


class ProductRated(EventPayload):
    """A verified buyer reviewed the product; the rating summary is the new one."""

    topic: ClassVar[str] = PRODUCT_TOPIC
    event_type: ClassVar[str] = "agora.catalog.product.rated.v1"

    product_id: UUID
    review_id: UUID
    author_id: UUID
    rating: int = Field(ge=1, le=5)
    rating_average: float
    rating_count: int


# --- Categories: one topic, keyed by category id.

CATEGORY_TOPIC = topic_name("catalog", "category")


class _CategoryEvent(EventPayload):
    topic: ClassVar[str] = CATEGORY_TOPIC

    category_id: UUID
    name: str
    slug: str
    parent_id: UUID | None = None


class CategoryCreated(_CategoryEvent):
    event_type: ClassVar[str] = "agora.catalog.category.created.v1"


class CategoryUpdated(_CategoryEvent):
    """Renamed or moved: products in it and below it are now found under the new path."""

    event_type: ClassVar[str] = "agora.catalog.category.updated.v1"


# --- Inventory: one topic. Reservation outcomes are keyed by order id (so one
# order's outcomes stay in order), stock levels by SKU.

INVENTORY_TOPIC = topic_name("catalog", "inventory")


class ReservedLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str
    quantity: int = Field(gt=0)
    vendor_id: UUID | None = None
    product_id: UUID | None = None


class ShortLine(BaseModel):
    """A line the catalog could not reserve: it wanted ``requested``, had ``available``."""

    model_config = ConfigDict(frozen=True)

    sku: str
    requested: int
    available: int


class InventoryReserved(EventPayload):
    """Every line of the order is reserved until ``expires_at`` (or commit/cancel)."""

    topic: ClassVar[str] = INVENTORY_TOPIC
    event_type: ClassVar[str] = "agora.catalog.inventory.reserved.v1"

    order_id: UUID
    lines: list[ReservedLine]
    expires_at: datetime


class InventoryReservationFailed(EventPayload):
    """Nothing of the order was reserved: these lines were short (all or nothing).
    An unknown SKU, or one no longer for sale, is short with ``available`` 0."""

    topic: ClassVar[str] = INVENTORY_TOPIC
    event_type: ClassVar[str] = "agora.catalog.inventory.reservation_failed.v1"

    order_id: UUID
    lines_short: list[ShortLine]


class InventoryReleased(EventPayload):
    """The order's stock is back on sale: it was cancelled, or its reservation expired
    (``reason`` "expired", the saga should cancel the order)."""

    topic: ClassVar[str] = INVENTORY_TOPIC
    event_type: ClassVar[str] = "agora.catalog.inventory.released.v1"

    order_id: UUID
    lines: list[ReservedLine]
    reason: Literal["cancelled", "expired"]


class InventoryCommitted(EventPayload):
    """The order's stock left the warehouse's count (on_hand went down): it is sold."""

    topic: ClassVar[str] = INVENTORY_TOPIC
    event_type: ClassVar[str] = "agora.catalog.inventory.committed.v1"

    order_id: UUID
    lines: list[ReservedLine]


class InventoryCommitFailed(EventPayload):
    """An order was confirmed after its reservation had expired and the stock was sold
    meanwhile: the order service must refund or back-order these lines."""

    topic: ClassVar[str] = INVENTORY_TOPIC
    event_type: ClassVar[str] = "agora.catalog.inventory.commit_failed.v1"

    order_id: UUID
    lines_short: list[ShortLine]


class StockChanged(EventPayload):
    """A SKU's stock level now (keyed by SKU): for carts that show what is left. Sent
    when ``available`` changes (a store's count, a reservation, a release); not when a
    reservation is committed, which moves on hand and reserved alike."""

    topic: ClassVar[str] = INVENTORY_TOPIC
    event_type: ClassVar[str] = "agora.catalog.inventory.stock_changed.v1"

    sku: str
    product_id: UUID
    vendor_id: UUID
    on_hand: int
    reserved: int
    available: int


class LowStock(EventPayload):
    """``available`` fell below the vendor's threshold (sent once per crossing)."""

    topic: ClassVar[str] = INVENTORY_TOPIC
    event_type: ClassVar[str] = "agora.catalog.inventory.low_stock.v1"

    sku: str
    vendor_id: UUID
    product_id: UUID | None = None
    available: int
    threshold: int


# --- Wishlists: one topic, keyed by the buyer's user id, so one buyer's alerts stay
# in order. One event per buyer who wished the item: the catalog, which owns stock,
# prices and wishlists, finds whom to tell in the transaction that changed the item.

WISHLIST_TOPIC = topic_name("catalog", "wishlist")


class _WishedItemEvent(EventPayload):
    topic: ClassVar[str] = WISHLIST_TOPIC

    user_id: UUID
    product_id: UUID
    sku: str
    title: str
    price: Money


class WishedItemBackInStock(_WishedItemEvent):
    """A SKU the buyer wished (or any SKU of a product they wished) can be bought
    again: ``available`` went from 0 to more."""

    event_type: ClassVar[str] = "agora.catalog.wishlist.back_in_stock.v1"

    available: int = Field(gt=0)


class WishedItemPriceDropped(_WishedItemEvent):
    """A SKU the buyer wished (or any SKU of a product they wished) got cheaper:
    ``price`` is the new one, ``previous_price`` the old, in the same currency."""

    event_type: ClassVar[str] = "agora.catalog.wishlist.price_dropped.v1"

    previous_price: Money
