"""Full-text search and suggestions, answered by the configured search backend."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from agora_catalog.adapters.search.base import (
    Mode,
    SearchQuery,
    Sort,
    attribute_filters,
)
from agora_catalog.api.currencies import show_results
from agora_catalog.api.deps import ContextDep, PublicReadDep, ReaderDep
from agora_catalog.api.search_schemas import SearchResponse, Suggestions
from agora_catalog.service import embeddings
from agora_catalog.service.errors import invalid
from agora_catalog.service.facets import facet_labels
from agora_kit.errors import problem_responses
from agora_kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from agora_kit.query import QueryInt

router = APIRouter(tags=["search"])


@router.get(
    "/search",
    response_model=SearchResponse,
    summary="Product search by words, meaning or both, with filters, facets, sorts and pages",
    responses=problem_responses(422, 503),
)
async def search(
    *,
    read: PublicReadDep,
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
    mode: Annotated[
        Mode,
        Query(
            description="text: by the words (typo tolerant); vector: by meaning (text "
            "embeddings); hybrid: both, fused by reciprocal rank"
        ),
    ] = "text",
) -> SearchResponse:
    """Full-text search over the products for sale, typo tolerant, with filters
    (category, vendor, price range), facets, sorts (`relevance`, `price_asc`,
    `price_desc`, `newest`) and cursor pages. With `currency`, each item's lowest price
    is also shown converted to it (`display_price`); an unknown currency is 422
    `unknown-currency`. Price filters and facets stay in minor units of the prices'
    own currencies.

    `mode=vector` ranks by meaning: the query's embedding (all-MiniLM-L6-v2) against
    each product's, nearest first; `mode=hybrid` fuses that list with the text
    ranking by reciprocal rank. Both find at most the 100 best of each list after the
    filters; `total` and the facets count those. Without `q` every mode lists as
    `text` does. Both search backends answer every mode."""
    if min_price is not None and max_price is not None and min_price > max_price:
        raise invalid("query.max_price", "must not be below min_price")
    result = await embeddings.search(
        read.context.search,
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
            mode=mode,
        ),
    )
    async with read.session() as session:
        labels = await facet_labels(session, result)
        return show_results(SearchResponse.of(result, sort, labels), read.shown)


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
    """Product titles completing what was typed so far, for a search box's autocomplete."""
    return Suggestions(suggestions=await context.search.suggest(q, limit))
