"""Search by meaning on PostgreSQL (ADR 0123): ``vector`` ranks the products for sale
by the cosine distance of their embedding (``product_embeddings``, pgvector's HNSW
index) to the query's; ``hybrid`` fuses that list with the full-text ranking
(:mod:`~agora_catalog.adapters.search.semantic`: reciprocal rank fusion, the sorts and
the pages every backend shares)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Double, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from agora_catalog.adapters.search import postgres_facets as pg_facets
from agora_catalog.adapters.search import postgres_index as pg_index
from agora_catalog.adapters.search import postgres_query as pg_query
from agora_catalog.adapters.search import semantic
from agora_catalog.adapters.search.base import SearchQuery, SearchResult
from agora_catalog.adapters.search.semantic import DEPTH
from agora_catalog.models import ProductEmbedding, Vector
from agora_catalog.models import SearchDocument as IndexRow


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


async def search(
    session: AsyncSession, query: SearchQuery, text: ColumnElement[Any] | None
) -> SearchResult:
    """A ``vector`` or ``hybrid`` search (``text``: the words' tsquery, for hybrid)."""
    semantic.offset(query)  # a bad cursor is refused before any work
    filters = pg_query.conditions(query, None)
    near = await nearest(session, query, filters)
    rows = {row.product_id: row for row, _ in near}
    if query.mode == "hybrid" and text is not None:
        worded = await by_words(session, query, text)
        rows.update({row.product_id: row for row in worded})
        scores = semantic.fuse(
            [row.product_id for row, _ in near], [row.product_id for row in worded]
        )
    else:
        scores = {row.product_id: similarity for row, similarity in near}
    ranked = semantic.ranked(scores)
    hits = semantic.order([pg_index.hit(rows[pid], scores[pid]) for pid in ranked], query)
    if ranked:
        where = filters & IndexRow.product_id.in_(ranked)
        total, facets = pg_facets.facets(
            (await session.execute(pg_facets.facet_counts(where))).one()
        )
    else:
        total, facets = 0, {"category": [], "vendor": [], "price": [], "attributes": []}
    shown, next_cursor = semantic.page(hits, query)
    return SearchResult(hits=shown, total=total, facets=facets, next_cursor=next_cursor)
