"""The Elasticsearch search backend, for distributed mode.

One index with an explicit mapping (``dynamic: strict``,
:mod:`~agora_catalog.adapters.search.elasticsearch_index`) behind an alias; a rebuild
fills a new index and moves the alias to it in one atomic ``_aliases`` call
(:mod:`~agora_catalog.adapters.search.elasticsearch_lifecycle`), so a search never
sees a half-built index. One shard: scores, and so relevance cursors, are stable, and
a catalog fits one shard comfortably. Requests are built in
:mod:`~agora_catalog.adapters.search.elasticsearch_query`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, HttpxAsyncHttpNode
from elasticsearch import ApiError, AsyncElasticsearch, BadRequestError

from agora_catalog.adapters.search import elasticsearch_lifecycle as lifecycle
from agora_catalog.adapters.search import elasticsearch_query as es_query
from agora_catalog.adapters.search import elasticsearch_semantic as es_semantic
from agora_catalog.adapters.search.base import (
    MAX_SUGGESTIONS,
    Progress,
    SearchDocument,
    SearchQuery,
    SearchResult,
    bad_cursor,
    make_cursor,
    read_cursor,
)
from agora_catalog.adapters.search.elasticsearch_index import (
    SETTINGS,
    SOURCE,
    hit,
    index_operations,
)
from agora_catalog.domain.text import fold, stems, words
from agora_kit.errors import ServiceUnavailable

BULK_CHUNK = 500
# Answers that mean "not now": a searcher gets 503, not 500.
UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})


@contextlib.asynccontextmanager
async def _answering() -> AsyncIterator[None]:
    try:
        yield
    except (TransportConnectionError, ConnectionTimeout):
        raise ServiceUnavailable("Search is unavailable; try again shortly.") from None
    except ApiError as exc:
        if exc.meta.status in UNAVAILABLE_STATUSES:
            raise ServiceUnavailable("Search is unavailable; try again shortly.") from None
        raise


class ElasticsearchSearch:
    name = "elasticsearch"
    # Search by meaning on the documents' dense vectors (ADR 0123).
    vectors_in_documents = True

    def __init__(
        self,
        url: str,
        *,
        index: str = "agora-catalog-products",
        request_timeout: float = 10.0,
        refresh_interval: str | None = None,
    ) -> None:
        """``refresh_interval`` (Elasticsearch's default is 1s) bounds how long a write
        waits until it is searchable; tests shorten it."""
        self.url = url
        self.alias = index
        self._settings = {**SETTINGS}
        if refresh_interval is not None:
            self._settings["refresh_interval"] = refresh_interval
        self._timeout = request_timeout
        self._client: AsyncElasticsearch | None = None
        self._ready = False

    @property
    def client(self) -> AsyncElasticsearch:
        if self._client is None:
            # httpx's node, not elastic-transport's default aiohttp one: httpx is the
            # HTTP client every part already has, so images carry no aiohttp (ADR 0099).
            self._client = AsyncElasticsearch(
                self.url, request_timeout=self._timeout, node_class=HttpxAsyncHttpNode
            )
        return self._client

    async def start(self) -> None:
        await self._ensure()
        # A node that just started answers before it can serve the index.
        await self.client.cluster.health(index=self.alias, wait_for_status="yellow", timeout="30s")

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
        self._ready = False

    async def check(self) -> None:
        health = await self.client.cluster.health(timeout="2s")
        if health["status"] == "red":
            raise RuntimeError("the Elasticsearch cluster is red")

    async def _ensure(self) -> None:
        """Create the first index behind the alias, unless the alias exists."""
        if self._ready:
            return
        await lifecycle.create_first_index(self.client, self.alias, self._settings)
        self._ready = True

    # --- writing

    async def upsert(self, documents: Sequence[SearchDocument], *, wait: bool = True) -> None:
        await self._ensure()
        for start in range(0, len(documents), BULK_CHUNK):
            chunk = documents[start : start + BULK_CHUNK]
            # wait_for: the documents are searchable when this returns; without it, at
            # the index's next refresh (within refresh_interval).
            await lifecycle.bulk(
                self.client,
                index_operations(chunk),
                index=self.alias,
                refresh="wait_for" if wait else False,
            )

    async def delete(self, product_ids: Sequence[uuid.UUID]) -> None:
        await self._ensure()
        for start in range(0, len(product_ids), BULK_CHUNK):
            ops = [{"delete": {"_id": str(pid)}} for pid in product_ids[start : start + BULK_CHUNK]]
            await lifecycle.bulk(self.client, ops, index=self.alias, refresh="wait_for")

    async def rebuild(
        self, batches: AsyncIterable[Sequence[SearchDocument]], progress: Progress | None = None
    ) -> int:
        total = await lifecycle.rebuild(self.client, self.alias, self._settings, batches, progress)
        self._ready = True
        return total

    async def drop(self) -> None:
        """Delete the alias's indices (tests, and `reindex --fresh`)."""
        await lifecycle.drop(self.client, self.alias)
        self._ready = False

    async def count(self) -> int:
        await self._ensure()
        return int((await self.client.count(index=self.alias))["count"])

    # --- reading

    async def _corrections(self, text: str) -> list[list[str]]:
        """Each word of ``text`` that counts (stop words do not), stemmed, with the
        nearest indexed words when the index does not know it: Elasticsearch's term
        suggester in ``missing`` mode, the counterpart of the PostgreSQL backend's
        trigram vocabulary. Known words are never "corrected" into other words."""
        stemmed = stems(text)
        if not stemmed:
            return []
        response = await self.client.search(
            index=self.alias, size=0, suggest=es_query.corrections_suggester(stemmed)
        )
        return es_query.corrections(response)

    async def search(self, query: SearchQuery) -> SearchResult:
        async with _answering():
            return await self._search(query)

    async def _search(self, query: SearchQuery) -> SearchResult:
        await self._ensure()
        if query.by_meaning:
            words = None
            if query.mode == "hybrid":
                words = es_query.text_query(await self._corrections(query.text or ""))
            return await es_semantic.search(self.client, self.alias, query, words)
        sort = query.effective_sort
        must = (
            [es_query.text_query(await self._corrections(query.text or ""))]
            if query.has_text
            else [{"match_all": {}}]
        )
        body: dict[str, Any] = {
            "query": {"bool": {"must": must, "filter": es_query.filters(query)}},
            "sort": es_query.SORTS[sort],
            "size": query.limit + 1,
            "track_total_hits": True,
            "aggs": es_query.aggregations(),
            "source": SOURCE,
        }
        if query.cursor:
            body["search_after"] = read_cursor(query.cursor, sort, es_query.CURSOR_TYPES[sort])
        try:
            response = await self.client.search(index=self.alias, **body)
        except BadRequestError:
            if query.cursor:  # the only part of a request a client shapes freely
                raise bad_cursor("malformed cursor") from None
            raise
        raw_hits = response["hits"]["hits"]
        has_more = len(raw_hits) > query.limit
        raw_hits = raw_hits[: query.limit]
        next_cursor = make_cursor(sort, raw_hits[-1]["sort"]) if has_more and raw_hits else None
        return SearchResult(
            hits=[hit(h) for h in raw_hits],
            total=int(response["hits"]["total"]["value"]),
            facets=es_query.facets(response["aggregations"]),
            next_cursor=next_cursor,
        )

    async def suggest(self, text: str, limit: int = 8) -> list[str]:
        async with _answering():
            return await self._suggest(text, limit)

    async def _suggest(self, text: str, limit: int) -> list[str]:
        limit = max(1, min(limit, MAX_SUGGESTIONS))
        typed = words(text)
        if not typed:
            return []
        await self._ensure()
        suggestions = await self._titles(es_query.prefix_matches(typed), " ".join(typed), limit)
        if len(suggestions) < limit:
            # Nothing (or too little) completes it: a typo, perhaps.
            seen = {fold(s) for s in suggestions}
            more = await self._titles(es_query.fuzzy_matches(typed), " ".join(typed), limit)
            suggestions += [title for title in more if fold(title) not in seen]
        return suggestions[:limit]

    async def _titles(self, must: list[dict[str, Any]], typed: str, limit: int) -> list[str]:
        response = await self.client.search(
            index=self.alias, **es_query.titles_request(must, typed, limit)
        )
        return [hit["_source"]["title"] for hit in response["hits"]["hits"]]
