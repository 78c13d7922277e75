"""Request and response bodies of the catalog's API. They are not the tables: the
public contract changes only on purpose."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, Field, StringConstraints

from agora_catalog.adapters.search.base import Sort

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Sku = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    ),
]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]

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


# --- Vendors


class VendorApply(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
    description: Annotated[str, StringConstraints(max_length=5000)] = ""


class VendorPatch(BaseModel):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
        | None
    ) = None
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    low_stock_threshold: int | None = Field(default=None, ge=0, le=1_000_000)


class VendorDecision(BaseModel):
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
    created_at: datetime
    approved_at: datetime | None


# --- Categories


class CategoryIn(BaseModel):
    name: Name
    parent_id: uuid.UUID | None = None


class CategoryPatch(BaseModel):
    name: Name | None = None
    parent_id: uuid.UUID | None = Field(
        default=None, description="Move below this category; null moves it to the root"
    )


class CategoryOut(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    parent_id: uuid.UUID | None


class CategoryNode(CategoryOut):
    children: list[CategoryNode]


class CategoryTree(BaseModel):
    items: list[CategoryNode] = Field(description="The root categories, each with its subtree")


class CategoryDetail(CategoryOut):
    path: list[CategoryOut] = Field(description="From the root down to this category")
    children: list[CategoryOut]


# --- Products and variants


class Image(BaseModel):
    url: AnyHttpUrl
    alt: Annotated[str, StringConstraints(max_length=300)] = ""


class ProductIn(BaseModel):
    title: Title
    description: Annotated[str, StringConstraints(max_length=20_000)] = ""
    category_id: uuid.UUID
    attributes: Attributes = {}
    images: list[Image] = Field(default=[], max_length=20)
    vendor_id: uuid.UUID | None = Field(
        default=None, description="Admins only: the store to add the product to"
    )


class ProductPatch(BaseModel):
    title: Title | None = None
    description: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    category_id: uuid.UUID | None = None
    attributes: Attributes | None = None
    images: list[Image] | None = Field(default=None, max_length=20)


class VariantIn(BaseModel):
    sku: Sku
    price: Money
    attributes: Attributes = {}
    stock: int = Field(default=0, ge=0, le=1_000_000_000, description="Units on hand")


class VariantPatch(BaseModel):
    price: Money | None = None
    attributes: Attributes | None = None


class VariantOut(BaseModel):
    id: uuid.UUID
    sku: str
    price: Money
    attributes: dict[str, str]
    available: int = Field(description="Units that can be ordered now")
    on_hand: int | None = Field(default=None, description="Owner and admins only")
    reserved: int | None = Field(default=None, description="Owner and admins only")


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
    images: list[ImageOut]
    status: str
    price_from: Money | None = Field(description="The lowest variant price")
    rating: Rating
    variants: list[VariantOut]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class ProductSummary(BaseModel):
    id: uuid.UUID
    vendor_id: uuid.UUID
    category_id: uuid.UUID
    title: str
    status: str
    price_from: Money | None
    image_url: str | None
    rating: Rating
    created_at: datetime
    published_at: datetime | None


class ProductPage(BaseModel):
    items: list[ProductSummary]
    next_cursor: str | None = None


# --- Inventory


class StockIn(BaseModel):
    on_hand: int = Field(ge=0, le=1_000_000_000)


class StockOut(BaseModel):
    sku: str
    product_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int
    updated_at: datetime


# --- Reviews


class ReviewIn(BaseModel):
    rating: int = Field(ge=1, le=5)
    title: Title
    body: Annotated[str, StringConstraints(max_length=5000)] = ""


class ReviewOut(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    author_id: uuid.UUID
    rating: int
    title: str
    body: str
    created_at: datetime


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    next_cursor: str | None = None
    rating: Rating


# --- Search


class VendorRef(BaseModel):
    id: uuid.UUID
    name: str


class SearchItem(BaseModel):
    id: uuid.UUID
    title: str
    vendor_id: uuid.UUID
    vendor: VendorRef
    category_id: uuid.UUID
    price: Money = Field(description="The lowest variant price")
    price_max: int = Field(description="The highest variant price, same currency")
    image_url: str | None
    rating: Rating
    published_at: datetime


class FacetValue(BaseModel):
    value: str
    count: int
    label: str | None = Field(default=None, description="A name to show for the value")


class Facets(BaseModel):
    category: list[FacetValue]
    vendor: list[FacetValue]
    price: list[FacetValue] = Field(
        description='Buckets of the lowest price in minor units, "1000-2500" (upper bound '
        'excluded) or "50000-"'
    )
    attributes: list[FacetValue] = Field(description='"name:value" of variant attributes')


class SearchResponse(BaseModel):
    items: list[SearchItem]
    facets: Facets
    total: int
    next_cursor: str | None = None
    sort: Sort


class Suggestions(BaseModel):
    suggestions: list[str]
