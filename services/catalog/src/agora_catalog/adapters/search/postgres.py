"""The PostgreSQL search backend, the embedded default.

Documents live in ``search_documents`` in the catalog's own database: a ``tsvector``
weighted by where a word occurs (title A; category names and attribute values B;
store name C; description D) behind a GIN index, ranked with ``ts_rank``. Typo
tolerance uses pg_trgm: a query word missing from the vocabulary (``search_terms``,
every indexed word) also matches the most similar known words. Suggestions match
word prefixes in titles (a regular expression the trigram index serves) and fall
back to trigram word similarity when nothing completes the text. The statements are
built in :mod:`~agora_catalog.adapters.search.postgres_index` (writing),
:mod:`~agora_catalog.adapters.search.postgres_query` (reading) and
:mod:`~agora_catalog.adapters.search.postgres_facets`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from agora_catalog.adapters.search import postgres_facets as pg_facets
from agora_catalog.adapters.search import postgres_index as pg_index
from agora_catalog.adapters.search import postgres_query as pg_query
from agora_catalog.adapters.search import postgres_semantic as pg_semantic
from agora_catalog.adapters.search.base import (
    MAX_SUGGESTIONS,
    Progress,
    SearchDocument,
    SearchQuery,
    SearchResult,
    make_cursor,
    read_cursor,
)
from agora_catalog.domain.text import is_typo_of, max_typos, typo_distance, words
from agora_catalog.models import SearchDocument as IndexRow
from agora_catalog.models import SearchTerm
from agora_catalog.repository.embeddings import SCAN_SETTINGS
from agora_kit.db import Database, DatabaseTimeouts

MAX_QUERY_WORDS = 10
CORRECTIONS_PER_WORD = 3
TRIGRAM_THRESHOLD = 0.1
WRITE_BATCH = 500


class PostgresSearch:
    name = "postgres"
    # Vectors stay in product_embeddings, joined at search time.
    vectors_in_documents = False

    def __init__(
        self, url: str, *, pool_size: int = 10, timeouts: DatabaseTimeouts | None = None
    ) -> None:
        self.url = url
        self._pool_size = pool_size
        self._timeouts = timeouts or DatabaseTimeouts()
        self._database: Database | None = None

    @property
    def database(self) -> Database:
        if self._database is None:
            self._database = Database(
                self.url,
                pool_size=self._pool_size,
                application_name="catalog-search",
                timeouts=self._timeouts,
                server_settings=SCAN_SETTINGS,
            )
        return self._database

    async def start(self) -> None:
        await self.database.ping()

    async def close(self) -> None:
        if self._database is not None:
            await self._database.dispose()
            self._database = None

    async def check(self) -> None:
        await self.database.ping()

    # --- writing

    async def _write(self, session: AsyncSession, docs: Sequence[SearchDocument]) -> None:
        ordered = sorted(docs, key=lambda d: d.product_id)  # one lock order: no deadlocks
        for start in range(0, len(ordered), WRITE_BATCH):
            chunk = ordered[start : start + WRITE_BATCH]
            await session.execute(pg_index.upsert_documents(chunk))
            terms = pg_index.vocabulary(chunk)
            if terms:
                await session.execute(pg_index.add_terms(terms))

    async def upsert(self, documents: Sequence[SearchDocument], *, wait: bool = True) -> None:
        # Visible on commit, always.
        if not documents:
            return
        async with self.database.transaction() as session:
            await self._write(session, documents)

    async def delete(self, product_ids: Sequence[uuid.UUID]) -> None:
        if not product_ids:
            return
        async with self.database.transaction() as session:
            await session.execute(
                delete(IndexRow).where(IndexRow.product_id.in_(sorted(product_ids)))
            )

    async def rebuild(
        self, batches: AsyncIterable[Sequence[SearchDocument]], progress: Progress | None = None
    ) -> int:
        # One transaction: searches keep reading the old rows (MVCC) until it commits.
        total = 0
        async with self.database.transaction() as session:
            await session.execute(delete(IndexRow))
            await session.execute(delete(SearchTerm))
            async for batch in batches:
                await self._write(session, batch)
                total += len(batch)
                if progress is not None:
                    progress(len(batch))
        return total

    async def count(self) -> int:
        async with self.database.transaction() as session:
            return int(await session.scalar(select(func.count()).select_from(IndexRow)) or 0)

    # --- reading

    async def _tsquery(self, session: AsyncSession, text: str) -> str | None:
        """``(word | correction ...) & ...``: every word must match, each through
        itself or, when the vocabulary lacks it, through its nearest known words."""
        query_words = list(dict.fromkeys(words(text)))[:MAX_QUERY_WORDS]
        if not query_words:
            return None
        known = set(await session.scalars(pg_query.known_terms(query_words)))
        groups = []
        for word in query_words:
            alternatives = [word]
            if word not in known and max_typos(word):
                alternatives.extend(await self._corrections(session, word))
            groups.append("(" + " | ".join(alternatives) + ")")
        return " & ".join(groups)

    @staticmethod
    async def _corrections(session: AsyncSession, word: str) -> list[str]:
        """Known words a typo or two from ``word``. pg_trgm's index finds the likely
        ones (`%`); the edit distance decides, as in the Elasticsearch backend. The
        similarity threshold is low because one typo in a three-letter word leaves a
        single trigram of four in common; words of about the same length come first."""
        await session.execute(
            select(func.set_config("pg_trgm.similarity_threshold", str(TRIGRAM_THRESHOLD), True))
        )
        candidates = await session.scalars(pg_query.near_terms(word))
        close = [term for term in candidates if is_typo_of(word, term)]
        close.sort(key=lambda term: typo_distance(word, term))
        return close[:CORRECTIONS_PER_WORD]

    async def search(self, query: SearchQuery) -> SearchResult:
        if query.by_meaning:
            async with self.database.transaction() as session:
                words_query: ColumnElement[Any] | None = None
                if query.mode == "hybrid":
                    # The words' tsquery (typos corrected) beside the nearest vectors.
                    words_query = pg_query.tsquery(await self._tsquery(session, query.text or ""))
                return await pg_semantic.search(session, query, words_query)
        async with self.database.transaction() as session:
            text: ColumnElement[Any] | None = None
            if query.has_text:
                text = pg_query.tsquery(await self._tsquery(session, query.text or ""))
            where = pg_query.conditions(query, text)
            sort = query.effective_sort
            rank = pg_query.score(text) if text is not None and sort == "relevance" else None
            keys = pg_query.sort_keys(sort, rank)
            after = (
                read_cursor(query.cursor, sort, pg_query.cursor_types(sort))
                if query.cursor
                else None
            )
            rows = (
                await session.execute(pg_query.page(where, keys, rank, query.limit, after))
            ).all()
            total, facets = pg_facets.facets(
                (await session.execute(pg_facets.facet_counts(where))).one()
            )

        has_more = len(rows) > query.limit
        rows = rows[: query.limit]
        next_cursor = None
        if has_more and rows:
            last, last_rank = rows[-1]
            next_cursor = make_cursor(sort, pg_query.key_values(sort, last, last_rank))
        hits = [pg_index.hit(row, row_rank) for row, row_rank in rows]
        return SearchResult(hits=hits, total=total, facets=facets, next_cursor=next_cursor)

    async def suggest(self, text: str, limit: int = 8) -> list[str]:
        limit = max(1, min(limit, MAX_SUGGESTIONS))
        prefix_words = words(text)[:MAX_QUERY_WORDS]
        if not prefix_words:
            return []
        phrase = " ".join(prefix_words)
        async with self.database.transaction() as session:
            ranked = await session.scalars(pg_query.completing_titles(prefix_words, phrase, limit))
            suggestions = pg_query.distinct_titles(ranked, limit)
            if len(suggestions) < limit:
                # Nothing (or too little) completes it: perhaps a typo. Each word may
                # also be a known word a typo or two away (as in search), and the
                # titles completing those come next, closest first.
                alternatives = [
                    [word, *await self._corrections(session, word)] for word in prefix_words
                ]
                if any(len(options) > 1 for options in alternatives):
                    fuzzy = await session.scalars(pg_query.near_titles(alternatives, phrase, limit))
                    suggestions = pg_query.distinct_titles([*suggestions, *fuzzy], limit)
        return suggestions
