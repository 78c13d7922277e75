"""The Elasticsearch search backend, for distributed mode.

One index with an explicit mapping (``dynamic: strict``) behind an alias; a rebuild
fills a new index and moves the alias to it in one atomic ``_aliases`` call, so a
search never sees a half-built index. One shard: scores, and so relevance cursors,
are stable, and a catalog fits one shard comfortably.

The analysis uses only what every Elasticsearch distribution has in its core (the
standard tokenizer, ``lowercase``, ``stop``, ``index_prefixes``), not the
``analysis-common`` module: the index builds on the minimal test distribution too.
Accent folding and English stemming happen before the text reaches the index, with
the Snowball English stemmer that PostgreSQL's ``english`` configuration uses, so
both backends agree on which words match.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch, BadRequestError, NotFoundError

from agora_catalog.adapters.search.base import (
    ATTRIBUTE_FACET_SIZE,
    FACET_SIZE,
    MAX_SUGGESTIONS,
    PRICE_BUCKETS,
    FacetCount,
    Progress,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    Sort,
    bucket_label,
    make_cursor,
    read_cursor,
)
from agora_catalog.text import fold, is_typo_of, stems, words
from agora_kit.errors import InvalidParam, ServiceUnavailable, Unprocessable

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


SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    # A replica as soon as a second node exists; none on a single node (green).
    "auto_expand_replicas": "0-1",
    "analysis": {
        "filter": {"english_stop": {"type": "stop", "stopwords": "_english_"}},
        "analyzer": {
            # For text already folded and stemmed: split, lower-case, drop stop words.
            "stems": {"tokenizer": "standard", "filter": ["lowercase", "english_stop"]},
            # For titles as typed (folded only): suggestions match word prefixes.
            "plain": {"tokenizer": "standard", "filter": ["lowercase"]},
        },
    },
}

_STEMS = {"type": "text", "analyzer": "stems", "copy_to": "all_stems"}
_SHOWN = {"type": "keyword", "index": False, "doc_values": False}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        # Filters, facets and sorts.
        "product_id": {"type": "keyword"},
        "vendor_id": {"type": "keyword"},
        "category_id": {"type": "keyword"},
        "category_path": {"type": "keyword"},
        # "name:value", normalised: exact attribute filters and their facet.
        "attributes": {"type": "keyword"},
        "price_min": {"type": "long"},
        "price_max": {"type": "long"},
        "currency": {"type": "keyword"},
        "rating_average": {"type": "float"},
        "rating_count": {"type": "integer"},
        "published_at": {"type": "date"},
        # Full text, by where a word occurs (the rank weighs the title most) ...
        "title_stems": _STEMS,
        "category_stems": _STEMS,
        "attribute_stems": _STEMS,
        "vendor_stems": _STEMS,
        "description_stems": _STEMS,
        # ... and all of them together, where "every word must match" is checked.
        "all_stems": {"type": "text", "analyzer": "stems"},
        # Suggestions: every word of the title, with its prefixes indexed.
        "title_words": {
            "type": "text",
            "analyzer": "plain",
            "index_prefixes": {"min_chars": 1, "max_chars": 10},
        },
        # One key per title, case and accents aside: suggestions are distinct.
        "title_key": {"type": "keyword"},
        # Shown, not searched.
        "title": _SHOWN,
        "vendor_name": _SHOWN,
        "image_url": _SHOWN,
    },
}


def _source(doc: SearchDocument) -> dict[str, Any]:
    return {
        "product_id": str(doc.product_id),
        "vendor_id": str(doc.vendor_id),
        "category_id": str(doc.category_id),
        "category_path": [str(c) for c in doc.category_path],
        "attributes": doc.attribute_terms,
        "price_min": doc.price_min,
        "price_max": doc.price_max,
        "currency": doc.currency,
        "rating_average": doc.rating_average,
        "rating_count": doc.rating_count,
        "published_at": doc.published_at.isoformat(),
        "title_stems": stems(doc.title),
        "category_stems": stems(" ".join(doc.category_names)),
        "attribute_stems": stems(doc.attribute_text),
        "vendor_stems": stems(doc.vendor_name),
        "description_stems": stems(doc.description),
        "title_words": fold(doc.title),
        "title_key": fold(doc.title).strip(),
        "title": doc.title,
        "vendor_name": doc.vendor_name,
        "image_url": doc.image_url,
    }


def _hit(hit: dict[str, Any]) -> SearchHit:
    source = hit["_source"]
    return SearchHit(
        product_id=uuid.UUID(source["product_id"]),
        title=source["title"],
        vendor_id=uuid.UUID(source["vendor_id"]),
        vendor_name=source["vendor_name"],
        category_id=uuid.UUID(source["category_id"]),
        price_min=int(source["price_min"]),
        price_max=int(source["price_max"]),
        currency=source["currency"],
        image_url=source.get("image_url"),
        rating_average=source.get("rating_average"),
        rating_count=int(source.get("rating_count", 0)),
        published_at=datetime.fromisoformat(source["published_at"]),
        score=hit.get("_score"),
    )


_SORTS: dict[Sort, list[Any]] = {
    "relevance": ["_score", {"published_at": "desc"}, {"product_id": "desc"}],
    "price_asc": [{"price_min": "asc"}, {"product_id": "asc"}],
    "price_desc": [{"price_min": "desc"}, {"product_id": "desc"}],
    "newest": [{"published_at": "desc"}, {"product_id": "desc"}],
}
# The JSON types of each sort's key (search_after): score, epoch millis, id.
_CURSOR_TYPES: dict[Sort, list[type | tuple[type, ...]]] = {
    "relevance": [(float, int), int, str],
    "price_asc": [int, str],
    "price_desc": [int, str],
    "newest": [int, str],
}


class ElasticsearchSearch:
    name = "elasticsearch"

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
            self._client = AsyncElasticsearch(self.url, request_timeout=self._timeout)
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

    def _new_index_name(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        return f"{self.alias}-{stamp}-{uuid.uuid4().hex[:6]}"

    async def _ensure(self) -> None:
        """Create the first index behind the alias, unless the alias exists."""
        if self._ready:
            return
        if not await self.client.indices.exists_alias(name=self.alias):
            # A fixed first name: replicas starting together create it once.
            first = f"{self.alias}-initial"
            try:
                await self.client.indices.create(
                    index=first,
                    settings=self._settings,
                    mappings=MAPPINGS,
                    aliases={self.alias: {}},
                )
            except BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        self._ready = True

    async def _bulk(
        self, operations: list[dict[str, Any]], *, index: str, refresh: str | bool
    ) -> None:
        if not operations:
            return
        response = await self.client.bulk(operations=operations, index=index, refresh=refresh)
        if response["errors"]:
            failures = [
                item
                for entry in response["items"]
                for action, item in entry.items()
                if item.get("error") and not (action == "delete" and item.get("status") == 404)
            ]
            if failures:
                raise RuntimeError(
                    f"Elasticsearch refused {len(failures)} write(s): {failures[:3]}"
                )

    @staticmethod
    def _index_ops(docs: Sequence[SearchDocument]) -> list[dict[str, Any]]:
        ops: list[dict[str, Any]] = []
        for doc in docs:
            ops.append({"index": {"_id": str(doc.product_id)}})
            ops.append(_source(doc))
        return ops

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        await self._ensure()
        for start in range(0, len(documents), BULK_CHUNK):
            chunk = documents[start : start + BULK_CHUNK]
            # wait_for: the documents are searchable when this returns.
            await self._bulk(self._index_ops(chunk), index=self.alias, refresh="wait_for")

    async def delete(self, product_ids: Sequence[uuid.UUID]) -> None:
        await self._ensure()
        for start in range(0, len(product_ids), BULK_CHUNK):
            ops = [{"delete": {"_id": str(pid)}} for pid in product_ids[start : start + BULK_CHUNK]]
            await self._bulk(ops, index=self.alias, refresh="wait_for")

    async def rebuild(
        self, batches: AsyncIterable[Sequence[SearchDocument]], progress: Progress | None = None
    ) -> int:
        new = self._new_index_name()
        await self.client.indices.create(
            index=new,
            settings={**self._settings, "refresh_interval": "-1"},
            mappings=MAPPINGS,
        )
        total = 0
        try:
            async for batch in batches:
                await self._bulk(self._index_ops(batch), index=new, refresh=False)
                total += len(batch)
                if progress is not None:
                    progress(len(batch))
            await self.client.indices.put_settings(
                index=new,
                settings={"index": {"refresh_interval": self._settings.get("refresh_interval")}},
            )
            await self.client.indices.refresh(index=new)
            old = await self._indices_behind_alias()
            # One call: searches see the old index or the new one, never neither.
            await self.client.indices.update_aliases(
                actions=[
                    *({"remove": {"index": name, "alias": self.alias}} for name in old),
                    {"add": {"index": new, "alias": self.alias}},
                ]
            )
        except BaseException:
            await self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for name in old:
            await self.client.indices.delete(index=name, ignore_unavailable=True)
        self._ready = True
        return total

    async def _indices_behind_alias(self) -> list[str]:
        try:
            return sorted(await self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    async def drop(self) -> None:
        """Delete the alias's indices (tests, and `reindex --fresh`)."""
        names = set(await self._indices_behind_alias())
        with contextlib.suppress(NotFoundError):
            names.update(await self.client.indices.get(index=f"{self.alias}-*"))
        for name in sorted(names):
            await self.client.indices.delete(index=name, ignore_unavailable=True)
        self._ready = False

    async def count(self) -> int:
        await self._ensure()
        return int((await self.client.count(index=self.alias))["count"])

    # --- reading

    @staticmethod
    def _filters(query: SearchQuery) -> list[dict[str, Any]]:
        filters: list[dict[str, Any]] = []
        if query.category_id is not None:
            filters.append({"term": {"category_path": str(query.category_id)}})
        if query.vendor_id is not None:
            filters.append({"term": {"vendor_id": str(query.vendor_id)}})
        price: dict[str, int] = {}
        if query.min_price is not None:
            price["gte"] = query.min_price
        if query.max_price is not None:
            price["lte"] = query.max_price
        if price:
            filters.append({"range": {"price_min": price}})
        filters.extend({"terms": {"attributes": group}} for group in query.attribute_term_groups())
        return filters

    async def _corrections(self, text: str) -> list[list[str]]:
        """Each word of ``text`` that counts (stop words do not), stemmed, with the
        nearest indexed words when the index does not know it: Elasticsearch's term
        suggester in ``missing`` mode, the counterpart of the PostgreSQL backend's
        trigram vocabulary. Known words are never "corrected" into other words."""
        stemmed = stems(text)
        if not stemmed:
            return []
        response = await self.client.search(
            index=self.alias,
            size=0,
            suggest={
                "typos": {
                    "text": stemmed,
                    "term": {
                        "field": "all_stems",
                        "suggest_mode": "missing",
                        "max_edits": 2,
                        "prefix_length": 0,
                        "min_word_length": 3,
                        "size": 5,
                    },
                }
            },
        )
        return [
            [
                entry["text"],
                *(
                    option["text"]
                    for option in entry["options"]
                    # The same rule as the PostgreSQL backend: a typo or two at most.
                    if is_typo_of(entry["text"], option["text"])
                ),
            ]
            for entry in response["suggest"]["typos"]
        ]

    @staticmethod
    def _text(alternatives: list[list[str]]) -> dict[str, Any]:
        if not alternatives:
            return {"match_none": {}}
        return {
            "bool": {
                # Every word (or a correction of it), somewhere in the product.
                "must": [
                    {"match": {"all_stems": {"query": " ".join(words), "operator": "or"}}}
                    for words in alternatives
                ],
                # Where the words are found decides the rank: the title first.
                "should": [
                    {
                        "multi_match": {
                            "query": " ".join(w for words in alternatives for w in words),
                            "fields": [
                                "title_stems^4",
                                "category_stems^2",
                                "attribute_stems^2",
                                "vendor_stems^1.5",
                                "description_stems",
                            ],
                            "type": "most_fields",
                        }
                    },
                    {
                        "match_phrase": {
                            "title_stems": {
                                "query": " ".join(words[0] for words in alternatives),
                                "boost": 2,
                            }
                        }
                    },
                ],
            }
        }

    @staticmethod
    def _aggregations() -> dict[str, Any]:
        order = [{"_count": "desc"}, {"_key": "asc"}]
        return {
            "category": {"terms": {"field": "category_id", "size": FACET_SIZE, "order": order}},
            "vendor": {"terms": {"field": "vendor_id", "size": FACET_SIZE, "order": order}},
            "attributes": {
                "terms": {"field": "attributes", "size": ATTRIBUTE_FACET_SIZE, "order": order}
            },
            "price": {
                "range": {
                    "field": "price_min",
                    "keyed": False,
                    "ranges": [
                        {"key": bucket_label(low, high), "from": low}
                        | ({"to": high} if high is not None else {})
                        for low, high in PRICE_BUCKETS
                    ],
                }
            },
        }

    async def search(self, query: SearchQuery) -> SearchResult:
        async with _answering():
            return await self._search(query)

    async def _search(self, query: SearchQuery) -> SearchResult:
        await self._ensure()
        sort = query.effective_sort
        filters = self._filters(query)
        must = (
            [self._text(await self._corrections(query.text or ""))]
            if query.has_text
            else [{"match_all": {}}]
        )
        body: dict[str, Any] = {
            "query": {"bool": {"must": must, "filter": filters}},
            "sort": _SORTS[sort],
            "size": query.limit + 1,
            "track_total_hits": True,
            "aggs": self._aggregations(),
        }
        if query.cursor:
            body["search_after"] = read_cursor(query.cursor, sort, _CURSOR_TYPES[sort])
        try:
            response = await self.client.search(index=self.alias, **body)
        except BadRequestError:
            if query.cursor:  # the only part of a request a client shapes freely
                raise Unprocessable(
                    "The cursor is not one this search issued.",
                    errors=[InvalidParam(name="query.cursor", reason="malformed cursor")],
                ) from None
            raise
        raw_hits = response["hits"]["hits"]
        has_more = len(raw_hits) > query.limit
        raw_hits = raw_hits[: query.limit]
        next_cursor = make_cursor(sort, raw_hits[-1]["sort"]) if has_more and raw_hits else None
        aggs = response["aggregations"]

        def counts(name: str) -> list[FacetCount]:
            return [
                FacetCount(value=str(b["key"]), count=int(b["doc_count"]))
                for b in aggs[name]["buckets"]
                if b["doc_count"]
            ]

        return SearchResult(
            hits=[_hit(h) for h in raw_hits],
            total=int(response["hits"]["total"]["value"]),
            facets={
                "category": counts("category"),
                "vendor": counts("vendor"),
                "price": counts("price"),
                "attributes": counts("attributes"),
            },
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
        # Every typed word begins a word of the title.
        suggestions = await self._titles(
            [{"prefix": {"title_words": word}} for word in typed], " ".join(typed), limit
        )
        if len(suggestions) < limit:
            # Nothing (or too little) completes it: a typo, perhaps.
            fuzzy = [
                {"fuzzy": {"title_words": {"value": word, "fuzziness": "AUTO"}}} for word in typed
            ]
            seen = {fold(s) for s in suggestions}
            more = await self._titles(fuzzy, " ".join(typed), limit)
            suggestions += [title for title in more if fold(title) not in seen]
        return suggestions[:limit]

    async def _titles(self, must: list[dict[str, Any]], typed: str, limit: int) -> list[str]:
        response = await self.client.search(
            index=self.alias,
            query={
                "bool": {
                    "must": must,
                    # Titles that begin with what was typed come first.
                    "should": [{"prefix": {"title_key": {"value": typed, "boost": 2}}}],
                }
            },
            collapse={"field": "title_key"},
            sort=["_score", {"rating_count": "desc"}, {"title_key": "asc"}],
            size=limit,
            source_includes=["title"],
        )
        return [hit["_source"]["title"] for hit in response["hits"]["hits"]]
