"""Request and response bodies of the catalog's API, and the mapping of the rules'
objects to the responses. They are not the tables: the public contract changes only on
purpose."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, Field, StringConstraints

from agora_catalog.api import examples
from agora_catalog.api.image_schemas import UploadedImageOut
from agora_catalog.domain.categories import Node
from agora_catalog.domain.products import (
    ProductFields,
    ProductView,
    VariantView,
    cover_url,
    rating_average,
)
from agora_catalog.models import Category, Inventory, Product, Vendor
from agora_catalog.service.access import Actor, can_manage
from agora_catalog.service.product_views import Listing
from agora_kit.currency import DisplayMoney
from agora_kit.pagination import Page

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Sku = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    ),
]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
SHOWN = "The price converted to the `currency` asked for (display only); null without one"

MAX_ATTRIBUTES = 30


def _check_attributes(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
    cleaned = {}
    for raw_key, raw_value in value.items():
        key, item = raw_key.strip(), raw_value.strip()
        if not 1 <= len(key) <= 40 or not 1 <= len(item) <= 100 or ":" in key:
            raise ValueError(
                "attribute names are 1-40 characters without ':', values 1-100 characters"
            )
        cleaned[key] = item
    return cleaned


Attributes = Annotated[
    dict[str, str],
    AfterValidator(_check_attributes),
    Field(description='Name to value, such as {"colour": "red", "size": "M"}'),
]


class Money(BaseModel):
    amount: int = Field(ge=0, le=10**12, description="Minor units: 1999 is 19.99")
    currency: Currency = Field(description="ISO 4217, upper case", examples=["USD"])


class Rating(BaseModel):
    average: float | None = Field(description="Mean of the ratings, null without reviews")
    count: int

    @classmethod
    def of(cls, product: ProductFields) -> Rating:
        return cls(
            average=rating_average(product.rating_sum, product.rating_count),
            count=product.rating_count,
        )


# --- Vendors


class VendorApply(BaseModel, json_schema_extra=examples.VENDOR_APPLY):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
    description: Annotated[str, StringConstraints(max_length=5000)] = ""


class VendorPatch(BaseModel, json_schema_extra=examples.VENDOR_PATCH):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
        | None
    ) = None
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    low_stock_threshold: int | None = Field(default=None, ge=0, le=1_000_000)


class VendorDecision(BaseModel, json_schema_extra=examples.VENDOR_DECISION):
    status: Literal["approved", "suspended"]
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class VendorOut(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    description: str
    status: str
    owner_id: uuid.UUID | None = Field(description="Shown to the owner and admins only")
    low_stock_threshold: int | None = Field(description="Shown to the owner and admins only")
    kyc_status: str | None = Field(description="Payouts KYC (owner and admins; ADR 0104)")
    created_at: datetime
    approved_at: datetime | None

    @classmethod
    def of(cls, vendor: Vendor, actor: Actor | None) -> VendorOut:
        private = can_manage(actor, vendor)
        return cls(
            id=vendor.id,
            name=vendor.name,
            slug=vendor.slug,
            description=vendor.description,
            status=vendor.status,
            owner_id=vendor.owner_id if private else None,
            low_stock_threshold=vendor.low_stock_threshold if private else None,
            kyc_status=vendor.kyc_status if private else None,
            created_at=vendor.created_at,
            approved_at=vendor.approved_at,
        )

    @classmethod
    def page(cls, page: Page[Vendor], actor: Actor | None) -> Page[VendorOut]:
        return Page[VendorOut](
            items=[cls.of(v, actor) for v in page.items], next_cursor=page.next_cursor
        )


# --- Categories


class CategoryIn(BaseModel, json_schema_extra=examples.CATEGORY_IN):
    name: Name
    parent_id: uuid.UUID | None = None


class CategoryPatch(BaseModel, json_schema_extra=examples.CATEGORY_PATCH):
    name: Name | None = None
    parent_id: uuid.UUID | None = Field(
        default=None, description="Move below this category; null moves it to the root"
    )


class CategoryOut(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    parent_id: uuid.UUID | None

    @classmethod
    def of(cls, category: Category | Node) -> CategoryOut:
        return CategoryOut(
            id=category.id, name=category.name, slug=category.slug, parent_id=category.parent_id
        )


class CategoryNode(CategoryOut):
    children: list[CategoryNode]

    @classmethod
    def of_node(cls, node: Node) -> CategoryNode:
        return cls(
            id=node.id,
            name=node.name,
            slug=node.slug,
            parent_id=node.parent_id,
            children=[cls.of_node(child) for child in node.children],
        )


class CategoryTree(BaseModel):
    items: list[CategoryNode] = Field(description="The root categories, each with its subtree")


class CategoryDetail(CategoryOut):
    path: list[CategoryOut] = Field(description="From the root down to this category")
    children: list[CategoryOut]


# --- Products and variants


class Image(BaseModel):
    url: AnyHttpUrl
    alt: Annotated[str, StringConstraints(max_length=300)] = ""


class ProductIn(BaseModel, json_schema_extra=examples.PRODUCT_IN):
    title: Title
    description: Annotated[str, StringConstraints(max_length=20_000)] = ""
    category_id: uuid.UUID
    attributes: Attributes = {}
    images: list[Image] = Field(default=[], max_length=20)
    vendor_id: uuid.UUID | None = Field(
        default=None, description="Admins only: the store to add the product to"
    )


class ProductPatch(BaseModel, json_schema_extra=examples.PRODUCT_PATCH):
    title: Title | None = None
    description: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    category_id: uuid.UUID | None = None
    attributes: Attributes | None = None
    images: list[Image] | None = Field(default=None, max_length=20)


class VariantIn(BaseModel, json_schema_extra=examples.VARIANT_IN):
    sku: Sku
    price: Money
    attributes: Attributes = {}
    stock: int = Field(default=0, ge=0, le=1_000_000_000, description="Units on hand")


class VariantPatch(BaseModel, json_schema_extra=examples.VARIANT_PATCH):
    price: Money | None = None
    attributes: Attributes | None = None


class VariantOut(BaseModel):
    id: uuid.UUID
    sku: str
    price: Money
    display_price: DisplayMoney | None = Field(default=None, description=SHOWN)
    attributes: dict[str, str]
    available: int = Field(description="Units that can be ordered now")
    on_hand: int | None = Field(default=None, description="Owner and admins only")
    reserved: int | None = Field(default=None, description="Owner and admins only")

    @classmethod
    def of(cls, view: VariantView, *, private: bool) -> VariantOut:
        variant = view.variant
        return cls(
            id=variant.id,
            sku=variant.sku,
            price=Money(amount=variant.price_amount, currency=variant.currency),
            attributes=variant.attributes,
            available=max(view.available, 0),
            on_hand=view.inventory.on_hand if private and view.inventory else None,
            reserved=view.inventory.reserved if private and view.inventory else None,
        )


class ImageOut(BaseModel):
    url: str
    alt: str = ""


class ProductOut(BaseModel):
    id: uuid.UUID
    vendor_id: uuid.UUID
    category_id: uuid.UUID
    title: str
    description: str
    attributes: dict[str, str]
    images: list[ImageOut] = Field(description="Images hosted elsewhere, by URL")
    # Upload order; the ready ones, or every one with its state for the store.
    uploaded_images: list[UploadedImageOut] = Field(description="Uploaded, with thumbnails")
    status: str
    price_from: Money | None = Field(description="The lowest variant price")
    display_price_from: DisplayMoney | None = Field(default=None, description=SHOWN)
    rating: Rating
    variants: list[VariantOut]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None

    @classmethod
    def of(cls, view: ProductView, actor: Actor | None) -> ProductOut:
        product = view.product
        private = can_manage(actor, view.vendor)
        cheapest = min(view.variants, key=lambda v: v.variant.price_amount, default=None)
        return cls(
            id=product.id,
            vendor_id=product.vendor_id,
            category_id=product.category_id,
            title=product.title,
            description=product.description,
            attributes=product.attributes,
            images=[ImageOut(**image) for image in product.images],
            uploaded_images=[UploadedImageOut.of(image) for image in view.uploads],
            status=product.status,
            price_from=(
                Money(amount=cheapest.variant.price_amount, currency=cheapest.variant.currency)
                if cheapest
                else None
            ),
            rating=Rating.of(product),
            variants=[VariantOut.of(v, private=private) for v in view.variants],
            created_at=product.created_at,
            updated_at=product.updated_at,
            published_at=product.published_at,
        )


class ProductSummary(BaseModel):
    id: uuid.UUID
    vendor_id: uuid.UUID
    category_id: uuid.UUID
    title: str
    status: str
    price_from: Money | None
    display_price_from: DisplayMoney | None = Field(default=None, description=SHOWN)
    image_url: str | None
    rating: Rating
    created_at: datetime
    published_at: datetime | None

    @classmethod
    def fields_of(cls, product: Product, price: tuple[int, str] | None) -> dict[str, Any]:
        """The summary's fields for ``product`` with its lowest price (amount, currency)."""
        return {
            "id": product.id,
            "vendor_id": product.vendor_id,
            "category_id": product.category_id,
            "title": product.title,
            "status": product.status,
            "price_from": Money(amount=price[0], currency=price[1]) if price else None,
            "image_url": cover_url(product.cover_image_url, product.images),
            "rating": Rating.of(product),
            "created_at": product.created_at,
            "published_at": product.published_at,
        }


class ProductPage(BaseModel):
    items: list[ProductSummary]
    next_cursor: str | None = None

    @classmethod
    def of(cls, listing: Listing) -> ProductPage:
        items = [
            ProductSummary(**ProductSummary.fields_of(product, listing.prices.get(product.id)))
            for product in listing.page.items
        ]
        return cls(items=items, next_cursor=listing.page.next_cursor)


# --- Inventory


class StockIn(BaseModel, json_schema_extra=examples.STOCK_IN):
    on_hand: int = Field(ge=0, le=1_000_000_000)


class StockOut(BaseModel):
    sku: str
    product_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int
    updated_at: datetime

    @classmethod
    def of(cls, row: Inventory) -> StockOut:
        return cls(
            sku=row.sku,
            product_id=row.product_id,
            on_hand=row.on_hand,
            reserved=row.reserved,
            available=row.available,
            updated_at=row.updated_at,
        )
