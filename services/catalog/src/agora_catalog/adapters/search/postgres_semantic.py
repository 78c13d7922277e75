"""Search by meaning on PostgreSQL (ADR 0123): ``vector`` ranks the products for sale
by the cosine distance of their embedding (``product_embeddings``, pgvector's HNSW
index) to the query's; ``hybrid`` fuses that list with the full-text ranking by
reciprocal rank (RRF: each product scores the sum of ``1 / (K + rank)`` over the lists
it is in, ``K`` = 60, the constant of Cormack et al. that Elasticsearch and OpenSearch
use too).

Each list is the :data:`DEPTH` best of its kind after the filters, so a search by
meaning finds at most that many products (``total``), and its facets count them. A
page is a slice of the fused list; its cursor holds the offset, and the search is
answered afresh for each page (cheap at this depth)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Double, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from agora_catalog.adapters.search import postgres_facets as pg_facets
from agora_catalog.adapters.search import postgres_index as pg_index
from agora_catalog.adapters.search import postgres_query as pg_query
from agora_catalog.adapters.search.base import (
    SearchHit,
    SearchQuery,
    SearchResult,
    bad_cursor,
    make_cursor,
    read_cursor,
)
from agora_catalog.models import ProductEmbedding, Vector
from agora_catalog.models import SearchDocument as IndexRow
from agora_catalog.repository.embeddings import SCAN_DEPTH

DEPTH = SCAN_DEPTH
RRF_K = 60


def fuse(*rankings: list[uuid.UUID]) -> dict[uuid.UUID, float]:
    """Reciprocal rank fusion: each id's sum of ``1 / (K + rank)`` (rank from 1) over
    the lists it is in."""
    scores: dict[uuid.UUID, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return scores


async def nearest(
    session: AsyncSession, query: SearchQuery, where: ColumnElement[bool]
) -> list[tuple[IndexRow, float]]:
    """The :data:`DEPTH` documents matching the filters nearest the query's vector,
    with their cosine similarity, nearest first."""
    target = literal(list(query.vector or ()), Vector())
    distance = ProductEmbedding.embedding.op("<=>", return_type=Double)(target)
    rows = await session.execute(
        select(IndexRow, distance)
        .join(ProductEmbedding, ProductEmbedding.product_id == IndexRow.product_id)
        .where(where)
        .order_by(distance)
        .limit(DEPTH)
    )
    found = sorted(rows.tuples(), key=lambda row: (row[1], row[0].product_id))
    return [(row, 1.0 - float(d)) for row, d in found]


async def by_words(
    session: AsyncSession, query: SearchQuery, text: ColumnElement[Any]
) -> list[IndexRow]:
    """The :data:`DEPTH` best full-text matches, as a ``relevance`` search ranks them."""
    where = pg_query.conditions(query, text)
    rank = pg_query.score(text)
    stmt = pg_query.page(where, pg_query.sort_keys("relevance", rank), rank, DEPTH - 1, None)
    return [row for row, _ in (await session.execute(stmt)).tuples()]


def _order(hits: list[SearchHit], query: SearchQuery) -> list[SearchHit]:
    sort = query.sort
    if sort == "price_asc":
        return sorted(hits, key=lambda h: (h.price_min, h.product_id))
    if sort == "price_desc":
        return sorted(hits, key=lambda h: (h.price_min, h.product_id), reverse=True)
    if sort == "newest":
        return sorted(hits, key=lambda h: (h.published_at, h.product_id), reverse=True)
    return hits  # relevance: the fused order


def _label(query: SearchQuery) -> str:
    """What a page's cursor is bound to: the search's mode and sort."""
    return f"{query.mode}:{query.sort}"


def _offset(query: SearchQuery) -> int:
    if not query.cursor:
        return 0
    (offset,) = read_cursor(query.cursor, _label(query), (int,))
    if offset < 0:
        raise bad_cursor("malformed cursor")
    return int(offset)


async def search(
    session: AsyncSession, query: SearchQuery, text: ColumnElement[Any] | None
) -> SearchResult:
    """A ``vector`` or ``hybrid`` search (``text``: the words' tsquery, for hybrid)."""
    offset = _offset(query)
    filters = pg_query.conditions(query, None)
    near = await nearest(session, query, filters)
    rows = {row.product_id: row for row, _ in near}
    if query.mode == "hybrid" and text is not None:
        worded = await by_words(session, query, text)
        rows.update({row.product_id: row for row in worded})
        scores = fuse([row.product_id for row, _ in near], [row.product_id for row in worded])
    else:
        scores = {row.product_id: similarity for row, similarity in near}
    ranked = sorted(scores, key=lambda pid: (-scores[pid], pid))
    hits = _order([pg_index.hit(rows[pid], scores[pid]) for pid in ranked], query)
    if ranked:
        where = filters & IndexRow.product_id.in_(ranked)
        total, facets = pg_facets.facets(
            (await session.execute(pg_facets.facet_counts(where))).one()
        )
    else:
        total, facets = 0, {"category": [], "vendor": [], "price": [], "attributes": []}
    page = hits[offset : offset + query.limit]
    more = offset + query.limit < len(hits)
    next_cursor = make_cursor(_label(query), [offset + query.limit]) if more else None
    return SearchResult(hits=page, total=total, facets=facets, next_cursor=next_cursor)
