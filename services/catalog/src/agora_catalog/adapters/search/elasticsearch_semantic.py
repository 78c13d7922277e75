"""Search by meaning on Elasticsearch (ADR 0123): ``vector`` is a kNN search of the
documents' ``embedding`` (HNSW, cosine) under the query's filters; ``hybrid`` fuses it
with the words' ranking (the text query a ``relevance`` search sorts by) by reciprocal
rank, with the sorts and pages of :mod:`~agora_catalog.adapters.search.semantic`, as
the PostgreSQL backend does. Elasticsearch's own fusion (the ``rrf`` retriever) is not
in every distribution, and fusing here keeps both backends' rankings one function.

A ``vector`` search is one request: Elasticsearch computes its aggregations over the
``k`` nearest, which are the products it found. ``hybrid`` asks for the two lists at
once, then the facets of the fused products in a second request."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

from elasticsearch import AsyncElasticsearch

from agora_catalog.adapters.search import elasticsearch_query as es_query
from agora_catalog.adapters.search import semantic
from agora_catalog.adapters.search.base import SearchQuery, SearchResult
from agora_catalog.adapters.search.elasticsearch_index import SOURCE, hit
from agora_catalog.adapters.search.semantic import DEPTH

# How many neighbours the HNSW search looks at per shard before it keeps DEPTH: the
# counterpart of pgvector's ``hnsw.ef_search``.
NUM_CANDIDATES = 2 * DEPTH


def nearest_request(
    query: SearchQuery, filters: list[dict[str, Any]], *, facets: bool
) -> dict[str, Any]:
    """The :data:`DEPTH` documents matching the filters nearest the query's vector, with
    the facets of those when ``facets``."""
    knn: dict[str, Any] = {
        "field": "embedding",
        "query_vector": list(query.vector or ()),
        "k": DEPTH,
        "num_candidates": NUM_CANDIDATES,
    }
    if filters:
        knn["filter"] = filters
    request: dict[str, Any] = {"knn": knn, "size": DEPTH, "source": SOURCE}
    if facets:
        request |= {"aggs": es_query.aggregations(), "track_total_hits": True}
    return request


def words_request(words: dict[str, Any], filters: list[dict[str, Any]]) -> dict[str, Any]:
    """The :data:`DEPTH` best matches of the words, as a ``relevance`` search ranks them."""
    return {
        "query": {"bool": {"must": [words], "filter": filters}},
        "sort": es_query.SORTS["relevance"],
        "size": DEPTH,
        "source": SOURCE,
    }


def facets_request(ids: list[uuid.UUID]) -> dict[str, Any]:
    """The facets of exactly the fused products."""
    return {
        "query": {"ids": {"values": [str(pid) for pid in ids]}},
        "size": 0,
        "track_total_hits": True,
        "aggs": es_query.aggregations(),
    }


def similarity(score: float) -> float:
    """Elasticsearch's cosine ``_score`` is ``(1 + cos) / 2``: the cosine again, as the
    PostgreSQL backend scores a ``vector`` search."""
    return 2.0 * score - 1.0


async def search(
    client: AsyncElasticsearch, index: str, query: SearchQuery, words: dict[str, Any] | None
) -> SearchResult:
    """A ``vector`` search, or with ``words`` (the text query) a ``hybrid`` one."""
    semantic.offset(query)  # a bad cursor is refused before any work
    filters = es_query.filters(query)
    hybrid = words is not None
    asked = [client.search(index=index, **nearest_request(query, filters, facets=not hybrid))]
    if words is not None:
        asked.append(client.search(index=index, **words_request(words, filters)))
    answers = await asyncio.gather(*asked)
    near = [hit(raw) for raw in answers[0]["hits"]["hits"]]
    found = {h.product_id: h for h in near}
    if hybrid:
        worded = [hit(raw) for raw in answers[1]["hits"]["hits"]]
        found.update({h.product_id: h for h in worded})
        scores = semantic.fuse([h.product_id for h in near], [h.product_id for h in worded])
    else:
        scores = {h.product_id: similarity(h.score or 0.0) for h in near}
    ranked = semantic.ranked(scores)
    hits = semantic.order([replace(found[pid], score=scores[pid]) for pid in ranked], query)
    total, facets = 0, es_query.facets({name: {"buckets": []} for name in es_query.FACETS})
    if not hybrid:
        total = int(answers[0]["hits"]["total"]["value"])
        facets = es_query.facets(answers[0]["aggregations"])
    elif ranked:
        counted = await client.search(index=index, **facets_request(ranked))
        total = int(counted["hits"]["total"]["value"])
        facets = es_query.facets(counted["aggregations"])
    shown, next_cursor = semantic.page(hits, query)
    return SearchResult(hits=shown, total=total, facets=facets, next_cursor=next_cursor)
