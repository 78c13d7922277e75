"""Products as readers see them: a variant with its stock, a product with its store and
variants, the average of its ratings, and whether it is for sale."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from agora_catalog.domain.images import ImageLinks
from agora_catalog.models import PRODUCT_PUBLISHED, VENDOR_APPROVED

# What the views read of a product, a store, a variant and its stock: the ORM rows a
# change just wrote, or the plain records of the hot read (ADR 0089), both fit.


class ProductFields(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def vendor_id(self) -> uuid.UUID: ...
    @property
    def category_id(self) -> uuid.UUID: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def attributes(self) -> dict[str, str]: ...
    @property
    def images(self) -> list[dict[str, Any]]: ...
    @property
    def status(self) -> str: ...
    @property
    def rating_count(self) -> int: ...
    @property
    def rating_sum(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def deleted_at(self) -> datetime | None: ...


class StoreFields(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def owner_id(self) -> uuid.UUID: ...
    @property
    def status(self) -> str: ...


class VariantFields(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def sku(self) -> str: ...
    @property
    def price_amount(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def attributes(self) -> dict[str, str]: ...


class StockFields(Protocol):
    @property
    def on_hand(self) -> int: ...
    @property
    def reserved(self) -> int: ...
    @property
    def available(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A product's row as read, field names those of its columns."""

    id: uuid.UUID
    vendor_id: uuid.UUID
    category_id: uuid.UUID
    title: str
    description: str
    attributes: dict[str, str]
    images: list[dict[str, Any]]
    status: str
    rating_count: int
    rating_sum: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    deleted_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoreRecord:
    """What a product's view needs of its store."""

    id: uuid.UUID
    owner_id: uuid.UUID
    status: str


@dataclass(frozen=True, slots=True)
class VariantRecord:
    id: uuid.UUID
    sku: str
    price_amount: int
    currency: str
    attributes: dict[str, str]


@dataclass(frozen=True, slots=True)
class StockRecord:
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass
class VariantView:
    variant: VariantFields
    inventory: StockFields | None

    @property
    def available(self) -> int:
        return self.inventory.available if self.inventory is not None else 0


@dataclass
class ProductView:
    product: ProductFields
    vendor: StoreFields
    variants: list[VariantView]
    # Uploaded images in upload order: ready ones for readers, all for the store.
    uploads: list[ImageLinks] = field(default_factory=list)


def rating_average(rating_sum: int, rating_count: int) -> float | None:
    return round(rating_sum / rating_count, 2) if rating_count else None


def is_public(product: ProductFields, vendor: StoreFields) -> bool:
    """For sale to everyone: published, not deleted, its store approved."""
    return (
        product.status == PRODUCT_PUBLISHED
        and product.deleted_at is None
        and vendor.status == VENDOR_APPROVED
    )


def cover_url(uploaded: str | None, images: list[dict[str, Any]]) -> str | None:
    """The one picture a listing, a search document or an event shows of a product: its
    first ready upload's medium thumbnail, else its first external URL (ADR 0109)."""
    if uploaded is not None:
        return uploaded
    return images[0]["url"] if images else None
