"""The PostgreSQL search backend, the embedded default.

Documents live in ``search_documents`` in the catalog's own database: a ``tsvector``
weighted by where a word occurs (title A; category names and attribute values B;
store name C; description D) behind a GIN index, ranked with ``ts_rank``. Typo
tolerance uses pg_trgm: a query word missing from the vocabulary (``search_terms``,
every indexed word) also matches the most similar known words. Suggestions match
word prefixes in titles (a regular expression the trigram index serves) and fall
back to trigram word similarity when nothing completes the text.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Double,
    Select,
    Text,
    and_,
    cast,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

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
from agora_catalog.models import SearchDocument as IndexRow
from agora_catalog.models import SearchTerm
from agora_catalog.text import fold, is_typo_of, max_typos, typo_distance, words
from agora_kit.db import Database

CONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")
# ts_rank's weights for D, C, B, A.
WEIGHTS: ColumnElement[Any] = literal_column("'{0.1, 0.2, 0.4, 1.0}'::real[]")
MAX_QUERY_WORDS = 10
CORRECTIONS_PER_WORD = 3
CORRECTION_CANDIDATES = 50
TRIGRAM_THRESHOLD = 0.1
MIN_CORRECTABLE = 3
WRITE_BATCH = 500

_DOC_COLUMNS = (
    "vendor_id",
    "vendor_name",
    "category_id",
    "category_path",
    "title",
    "title_folded",
    "attributes",
    "price_min",
    "price_max",
    "currency",
    "image_url",
    "rating_average",
    "rating_count",
    "published_at",
    "document",
    "indexed_at",
)


def _vector(text: str, weight: str) -> ColumnElement[Any]:
    # The weight is one of four fixed letters, never user input.
    return func.setweight(
        func.to_tsvector(CONFIG, cast(literal(fold(text)), Text)),
        literal_column(f"'{weight}'::\"char\""),
    )


def _document(doc: SearchDocument) -> ColumnElement[Any]:
    parts = [
        _vector(doc.title, "A"),
        _vector(" ".join((*doc.category_names, doc.attribute_text)), "B"),
        _vector(doc.vendor_name, "C"),
        _vector(doc.description, "D"),
    ]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector.op("||", return_type=TSVECTOR)(part)
    return vector


def _vocabulary(docs: Sequence[SearchDocument]) -> list[str]:
    terms: set[str] = set()
    for doc in docs:
        text = " ".join(
            (doc.title, doc.attribute_text, doc.vendor_name, doc.description, *doc.category_names)
        )
        terms.update(w for w in words(text) if MIN_CORRECTABLE <= len(w) <= 100)
    return sorted(terms)


def _after(keys: Sequence[tuple[ColumnElement[Any], str]], values: Sequence[Any]) -> Any:
    """Keyset condition "after this sort key", for any mix of directions."""
    clauses = []
    for i, (column, direction) in enumerate(keys):
        equal = [keys[j][0] == values[j] for j in range(i)]
        beyond = column > values[i] if direction == "asc" else column < values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


class PostgresSearch:
    name = "postgres"

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url = url
        self._pool_size = pool_size
        self._database: Database | None = None

    @property
    def database(self) -> Database:
        if self._database is None:
            self._database = Database(
                self.url, pool_size=self._pool_size, application_name="catalog-search"
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
            rows = [
                {
                    "product_id": doc.product_id,
                    "vendor_id": doc.vendor_id,
                    "vendor_name": doc.vendor_name,
                    "category_id": doc.category_id,
                    "category_path": list(doc.category_path),
                    "title": doc.title,
                    "title_folded": fold(doc.title),
                    "attributes": doc.attribute_terms,
                    "price_min": doc.price_min,
                    "price_max": doc.price_max,
                    "currency": doc.currency,
                    "image_url": doc.image_url,
                    "rating_average": doc.rating_average,
                    "rating_count": doc.rating_count,
                    "published_at": doc.published_at,
                    "document": _document(doc),
                    "indexed_at": func.now(),
                }
                for doc in chunk
            ]
            stmt = pg_insert(IndexRow).values(rows)
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[IndexRow.product_id],
                    set_={name: stmt.excluded[name] for name in _DOC_COLUMNS},
                )
            )
            terms = _vocabulary(chunk)
            if terms:
                await session.execute(
                    pg_insert(SearchTerm)
                    .values([{"term": term} for term in terms])
                    .on_conflict_do_nothing()
                )

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
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
        known = set(
            await session.scalars(select(SearchTerm.term).where(SearchTerm.term.in_(query_words)))
        )
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
        candidates = await session.scalars(
            select(SearchTerm.term)
            .where(SearchTerm.term.op("%")(word))
            .order_by(
                func.abs(func.length(SearchTerm.term) - len(word)),
                func.similarity(SearchTerm.term, word).desc(),
                SearchTerm.term,
            )
            .limit(CORRECTION_CANDIDATES)
        )
        close = [term for term in candidates if is_typo_of(word, term)]
        close.sort(key=lambda term: typo_distance(word, term))
        return close[:CORRECTIONS_PER_WORD]

    def _filters(self, query: SearchQuery, tsquery: ColumnElement[Any] | None) -> list[Any]:
        conditions: list[Any] = []
        if tsquery is not None:
            conditions.append(IndexRow.document.op("@@")(tsquery))
        if query.category_id is not None:
            conditions.append(
                IndexRow.category_path.op("@>")(
                    cast([query.category_id], ARRAY(PGUUID(as_uuid=True)))
                )
            )
        if query.vendor_id is not None:
            conditions.append(IndexRow.vendor_id == query.vendor_id)
        if query.min_price is not None:
            conditions.append(IndexRow.price_min >= query.min_price)
        if query.max_price is not None:
            conditions.append(IndexRow.price_min <= query.max_price)
        for group in query.attribute_term_groups():
            conditions.append(IndexRow.attributes.op("&&")(cast(group, ARRAY(Text))))
        return conditions

    @staticmethod
    def _sort_keys(
        sort: Sort, score: ColumnElement[Any] | None
    ) -> list[tuple[ColumnElement[Any], str]]:
        pid = IndexRow.__table__.c.product_id
        published = IndexRow.__table__.c.published_at
        price = IndexRow.__table__.c.price_min
        if sort == "relevance" and score is not None:
            return [(score, "desc"), (published, "desc"), (pid, "desc")]
        if sort == "price_asc":
            return [(price, "asc"), (pid, "asc")]
        if sort == "price_desc":
            return [(price, "desc"), (pid, "desc")]
        return [(published, "desc"), (pid, "desc")]

    async def search(self, query: SearchQuery) -> SearchResult:
        async with self.database.transaction() as session:
            tsquery: ColumnElement[Any] | None = None
            if query.has_text:
                text = await self._tsquery(session, query.text or "")
                tsquery = func.to_tsquery(CONFIG, text) if text else literal_column("''::tsquery")
            conditions = self._filters(query, tsquery)
            where = and_(true(), *conditions)
            sort = query.effective_sort
            score = (
                cast(func.ts_rank(WEIGHTS, IndexRow.document, tsquery), Double)
                if tsquery is not None and sort == "relevance"
                else None
            )
            keys = self._sort_keys(sort, score)
            stmt: Select[Any] = select(
                IndexRow, score if score is not None else literal(None)
            ).where(where)
            if query.cursor:
                after = read_cursor(query.cursor, sort, self._cursor_types(sort))
                stmt = stmt.where(_after(keys, after))
            stmt = stmt.order_by(
                *(col.asc() if direction == "asc" else col.desc() for col, direction in keys)
            ).limit(query.limit + 1)
            rows = (await session.execute(stmt)).all()
            total, facets = await self._facets(session, where)

        has_more = len(rows) > query.limit
        rows = rows[: query.limit]
        next_cursor = None
        if has_more and rows:
            last, last_score = rows[-1]
            next_cursor = make_cursor(sort, self._key_values(sort, last, last_score))
        hits = [
            SearchHit(
                product_id=row.product_id,
                title=row.title,
                vendor_id=row.vendor_id,
                vendor_name=row.vendor_name,
                category_id=row.category_id,
                price_min=row.price_min,
                price_max=row.price_max,
                currency=row.currency,
                image_url=row.image_url,
                rating_average=row.rating_average,
                rating_count=row.rating_count,
                published_at=row.published_at,
                score=row_score,
            )
            for row, row_score in rows
        ]
        return SearchResult(hits=hits, total=total, facets=facets, next_cursor=next_cursor)

    @staticmethod
    def _cursor_types(sort: Sort) -> list[type | tuple[type, ...]]:
        if sort == "relevance":
            return [(float, int), datetime, uuid.UUID]
        if sort in ("price_asc", "price_desc"):
            return [int, uuid.UUID]
        return [datetime, uuid.UUID]

    @staticmethod
    def _key_values(sort: Sort, row: IndexRow, score: float | None) -> list[Any]:
        if sort == "relevance":
            return [score, row.published_at, row.product_id]
        if sort in ("price_asc", "price_desc"):
            return [row.price_min, row.product_id]
        return [row.published_at, row.product_id]

    async def _facets(
        self, session: AsyncSession, where: ColumnElement[bool]
    ) -> tuple[int, dict[str, list[FacetCount]]]:
        """The total and every facet in one round trip, over one scan of the matches."""
        matches = (
            select(
                IndexRow.category_id, IndexRow.vendor_id, IndexRow.price_min, IndexRow.attributes
            )
            .where(where)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )

        def top(column: Any, size: int, source: Any = matches) -> Any:
            grouped = (
                select(cast(column, Text).label("value"), func.count().label("count"))
                .select_from(source)
                .group_by(column)
                .order_by(func.count().desc(), cast(column, Text))
                .limit(size)
                .subquery()
            )
            return (
                select(
                    func.coalesce(
                        func.json_agg(func.json_build_array(grouped.c.value, grouped.c.count)),
                        literal_column("'[]'::json"),
                    )
                )
                .select_from(grouped)
                .scalar_subquery()
            )

        # A function in FROM sees the items before it (implicitly LATERAL).
        attributes = (
            func.unnest(matches.c.attributes).table_valued("term").render_derived(name="attr")
        )
        attribute = attributes.c.term
        bucket_columns = [
            func.count()
            .filter(
                and_(
                    matches.c.price_min >= low,
                    *([matches.c.price_min < high] if high is not None else []),
                )
            )
            .label(f"b{i}")
            for i, (low, high) in enumerate(PRICE_BUCKETS)
        ]
        buckets = select(*bucket_columns).select_from(matches).subquery()
        stmt = select(
            select(func.count()).select_from(matches).scalar_subquery(),
            top(matches.c.category_id, FACET_SIZE),
            top(matches.c.vendor_id, FACET_SIZE),
            top(attribute, ATTRIBUTE_FACET_SIZE, matches.join(attributes, true())),
            *(buckets.c[f"b{i}"] for i in range(len(PRICE_BUCKETS))),
        ).select_from(buckets)
        row = (await session.execute(stmt)).one()
        total, category, vendor, attributes, *bucket_counts = row

        def counts(pairs: list[list[Any]]) -> list[FacetCount]:
            return [FacetCount(value=str(v), count=int(c)) for v, c in pairs]

        price = [
            FacetCount(value=bucket_label(low, high), count=int(n))
            for (low, high), n in zip(PRICE_BUCKETS, bucket_counts, strict=True)
            if n
        ]
        return int(total), {
            "category": counts(category),
            "vendor": counts(vendor),
            "price": price,
            "attributes": counts(attributes),
        }

    async def suggest(self, text: str, limit: int = 8) -> list[str]:
        limit = max(1, min(limit, MAX_SUGGESTIONS))
        prefix_words = words(text)[:MAX_QUERY_WORDS]
        if not prefix_words:
            return []
        phrase = " ".join(prefix_words)
        title = IndexRow.__table__.c.title_folded
        async with self.database.transaction() as session:
            # \m is "start of a word": every typed word must begin a word of the title.
            completes = [title.op("~")(r"\m" + word) for word in prefix_words]
            ranked = await session.scalars(
                select(IndexRow.title)
                .where(*completes)
                .order_by(
                    title.startswith(phrase).desc(),
                    func.word_similarity(phrase, title).desc(),
                    IndexRow.rating_count.desc(),
                    IndexRow.title,
                )
                .limit(limit * 3)
            )
            suggestions = _distinct(ranked, limit)
            if len(suggestions) < limit:
                # Nothing (or too little) completes it: perhaps a typo. Each word may
                # also be a known word a typo or two away (as in search), and the
                # titles completing those come next, closest first.
                alternatives = [
                    [word, *await self._corrections(session, word)] for word in prefix_words
                ]
                if any(len(options) > 1 for options in alternatives):
                    near = [
                        title.op("~")(r"\m(" + "|".join(options) + ")") for options in alternatives
                    ]
                    fuzzy = await session.scalars(
                        select(IndexRow.title)
                        .where(*near)
                        .order_by(
                            func.word_similarity(phrase, title).desc(),
                            IndexRow.rating_count.desc(),
                            IndexRow.title,
                        )
                        .limit(limit * 3)
                    )
                    suggestions = _distinct([*suggestions, *fuzzy], limit)
        return suggestions


def _distinct(titles: Any, limit: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for title in titles:
        key = fold(title)
        if key not in seen:
            seen.add(key)
            out.append(title)
        if len(out) == limit:
            break
    return out
