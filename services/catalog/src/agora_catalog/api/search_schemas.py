"""The search's response bodies, and the mapping of a search backend's answer to
them; the models they share with the rest of the API are in ``schemas``."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from agora_catalog.adapters.search.base import FacetCount, SearchResult, Sort
from agora_catalog.api.schemas import SHOWN, Money, Rating
from agora_kit.currency import DisplayMoney


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
    display_price: DisplayMoney | None = Field(default=None, description=SHOWN)
    image_url: str | None
    rating: Rating
    published_at: datetime


class FacetValue(BaseModel):
    value: str
    count: int
    label: str | None = Field(default=None, description="A name to show for the value")

    @classmethod
    def of(cls, values: list[FacetCount], labels: dict[str, str] | None = None) -> list[FacetValue]:
        return [
            cls(value=f.value, count=f.count, label=(labels or {}).get(f.value)) for f in values
        ]


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

    @classmethod
    def of(
        cls, result: SearchResult, sort: Sort, labels: dict[str, dict[str, str]]
    ) -> SearchResponse:
        """The backend's answer, with ``labels``: names of category and vendor facets."""
        return cls(
            items=[
                SearchItem(
                    id=hit.product_id,
                    title=hit.title,
                    vendor_id=hit.vendor_id,
                    vendor=VendorRef(id=hit.vendor_id, name=hit.vendor_name),
                    category_id=hit.category_id,
                    price=Money(amount=hit.price_min, currency=hit.currency),
                    price_max=hit.price_max,
                    image_url=hit.image_url,
                    rating=Rating(average=hit.rating_average, count=hit.rating_count),
                    published_at=hit.published_at,
                )
                for hit in result.hits
            ],
            facets=Facets(
                category=FacetValue.of(result.facets.get("category", []), labels["category"]),
                vendor=FacetValue.of(result.facets.get("vendor", []), labels["vendor"]),
                price=FacetValue.of(result.facets.get("price", [])),
                attributes=FacetValue.of(result.facets.get("attributes", [])),
            ),
            total=result.total,
            next_cursor=result.next_cursor,
            sort=sort,
        )


class Suggestions(BaseModel):
    suggestions: list[str]
