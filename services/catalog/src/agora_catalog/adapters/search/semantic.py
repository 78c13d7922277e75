"""What every backend's search by meaning shares (ADR 0123): reciprocal rank fusion of
the vector and the words rankings (RRF: each product scores the sum of
``1 / (K + rank)`` over the lists it is in, ``K`` = 60, the constant of Cormack et al.
that Elasticsearch and OpenSearch use too), the sorts applied to the fused list, and
its pages.

Each list is the :data:`DEPTH` best of its kind after the filters, so a search by
meaning finds at most that many products (``total``), and its facets count them. A
page is a slice of the fused list; its cursor holds the offset, and the search is
answered afresh for each page (cheap at this depth)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from agora_catalog.adapters.search.base import (
    SearchHit,
    SearchQuery,
    bad_cursor,
    make_cursor,
    read_cursor,
)
from agora_catalog.repository.embeddings import SCAN_DEPTH

DEPTH = SCAN_DEPTH
RRF_K = 60


def fuse(*rankings: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
    """Reciprocal rank fusion: each id's sum of ``1 / (K + rank)`` (rank from 1) over
    the lists it is in."""
    scores: dict[uuid.UUID, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def ranked(scores: dict[uuid.UUID, float]) -> list[uuid.UUID]:
    """The ids best score first (ties by id, so pages are stable)."""
    return sorted(scores, key=lambda pid: (-scores[pid], pid))


def order(hits: list[SearchHit], query: SearchQuery) -> list[SearchHit]:
    """The fused hits in the query's sort (``relevance`` keeps the fused order)."""
    sort = query.sort
    if sort == "price_asc":
        return sorted(hits, key=lambda h: (h.price_min, h.product_id))
    if sort == "price_desc":
        return sorted(hits, key=lambda h: (h.price_min, h.product_id), reverse=True)
    if sort == "newest":
        return sorted(hits, key=lambda h: (h.published_at, h.product_id), reverse=True)
    return hits


def _label(query: SearchQuery) -> str:
    """What a page's cursor is bound to: the search's mode and sort."""
    return f"{query.mode}:{query.sort}"


def offset(query: SearchQuery) -> int:
    """Where the query's page starts in the fused list (its cursor, checked)."""
    if not query.cursor:
        return 0
    (start,) = read_cursor(query.cursor, _label(query), (int,))
    if start < 0:
        raise bad_cursor("malformed cursor")
    return int(start)


def page(hits: list[SearchHit], query: SearchQuery) -> tuple[list[SearchHit], str | None]:
    """The query's page of the sorted hits, and the next page's cursor."""
    start = offset(query)
    end = start + query.limit
    return hits[start:end], make_cursor(_label(query), [end]) if end < len(hits) else None
