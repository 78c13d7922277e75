"""Full-text search and suggestions, answered by the configured search backend."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from agora_catalog.adapters.search.base import (
    FacetCount,
    SearchQuery,
    SearchResult,
    Sort,
    attribute_filters,
)
from agora_catalog.api.deps import ContextDep, ReaderDep
from agora_catalog.api.schemas import (
    Facets,
    FacetValue,
    Money,
    Rating,
    SearchItem,
    SearchResponse,
    Suggestions,
    VendorRef,
)
from agora_catalog.models import Category, Vendor
from agora_catalog.service.errors import invalid
from agora_kit.db import ReadSessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from agora_kit.query import QueryInt

router = APIRouter(tags=["search"])


async def _labels(session: ReadSessionDep, result: SearchResult) -> dict[str, dict[str, str]]:
    """Names for the category and vendor facet values (the index holds ids)."""
    category_ids = [uuid.UUID(f.value) for f in result.facets.get("category", [])]
    vendor_ids = [uuid.UUID(f.value) for f in result.facets.get("vendor", [])]
    labels: dict[str, dict[str, str]] = {"category": {}, "vendor": {}}
    if category_ids:
        rows = await session.execute(
            select(Category.id, Category.name).where(Category.id.in_(category_ids))
        )
        labels["category"] = {str(i): n for i, n in rows.tuples()}
    if vendor_ids:
        rows = await session.execute(
            select(Vendor.id, Vendor.name).where(Vendor.id.in_(vendor_ids))
        )
        labels["vendor"] = {str(i): n for i, n in rows.tuples()}
    return labels


def _facet(values: list[FacetCount], labels: dict[str, str] | None = None) -> list[FacetValue]:
    return [
        FacetValue(value=f.value, count=f.count, label=(labels or {}).get(f.value)) for f in values
    ]


@router.get(
    "/search",
    response_model=SearchResponse,
    summary="Full-text product search with filters, facets, sorts and cursor pages",
    responses=problem_responses(422, 503),
)
async def search(
    *,
    session: ReadSessionDep,
    context: ContextDep,
    _: ReaderDep,
    q: Annotated[str | None, Query(max_length=200, description="Words to look for")] = None,
    category: Annotated[
        uuid.UUID | None, Query(description="This category and every one below it")
    ] = None,
    vendor: Annotated[uuid.UUID | None, Query()] = None,
    min_price: Annotated[QueryInt | None, Query(description="Minor units, inclusive")] = None,
    max_price: Annotated[QueryInt | None, Query(description="Minor units, inclusive")] = None,
    attr: Annotated[
        list[str] | None,
        Query(description="name:value, repeatable: colour:red&attr=colour:blue&attr=size:M"),
    ] = None,
    sort: Annotated[Sort, Query()] = "relevance",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query()] = None,
) -> SearchResponse:
    if min_price is not None and max_price is not None and min_price > max_price:
        raise invalid("query.max_price", "must not be below min_price")
    result = await context.search.search(
        SearchQuery(
            text=q,
            category_id=category,
            vendor_id=vendor,
            min_price=min_price,
            max_price=max_price,
            attributes=attribute_filters(attr or []),
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
    )
    labels = await _labels(session, result)
    return SearchResponse(
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
            category=_facet(result.facets.get("category", []), labels["category"]),
            vendor=_facet(result.facets.get("vendor", []), labels["vendor"]),
            price=_facet(result.facets.get("price", [])),
            attributes=_facet(result.facets.get("attributes", [])),
        ),
        total=result.total,
        next_cursor=result.next_cursor,
        sort=sort,
    )


@router.get(
    "/search/suggest",
    response_model=Suggestions,
    summary="Autocomplete: product titles completing what was typed",
    responses=problem_responses(422, 503),
)
async def suggest(
    context: ContextDep,
    _: ReaderDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Suggestions:
    return Suggestions(suggestions=await context.search.suggest(q, limit))
