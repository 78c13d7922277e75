"""SQL the PostgreSQL search backend reads with: the filters, sort keys and keyset
cursors of a search, typo candidates from pg_trgm, and the title lookups suggestions
make. Statements only; the backend (:mod:`~agora_catalog.adapters.search.postgres`)
runs them. The facets are :mod:`~agora_catalog.adapters.search.postgres_facets`; the
rows they read are written by :mod:`~agora_catalog.adapters.search.postgres_index`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Double,
    Select,
    Text,
    and_,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlalchemy.sql.elements import ColumnElement

from agora_catalog.adapters.search.base import SearchQuery, Sort
from agora_catalog.adapters.search.postgres_index import CONFIG
from agora_catalog.domain.text import fold
from agora_catalog.models import SearchDocument as IndexRow
from agora_catalog.models import SearchTerm

# ts_rank's weights for D, C, B, A.
WEIGHTS: ColumnElement[Any] = literal_column("'{0.1, 0.2, 0.4, 1.0}'::real[]")
CORRECTION_CANDIDATES = 50

# --- typo corrections


def known_terms(candidates: Sequence[str]) -> Select[tuple[str]]:
    return select(SearchTerm.term).where(SearchTerm.term.in_(candidates))


def near_terms(word: str) -> Select[tuple[str]]:
    """Known words pg_trgm's index finds similar to ``word`` (``%``), words of about
    the same length first."""
    return (
        select(SearchTerm.term)
        .where(SearchTerm.term.op("%")(word))
        .order_by(
            func.abs(func.length(SearchTerm.term) - len(word)),
            func.similarity(SearchTerm.term, word).desc(),
            SearchTerm.term,
        )
        .limit(CORRECTION_CANDIDATES)
    )


# --- searching


def tsquery(text: str | None) -> ColumnElement[Any]:
    """The tsquery of :meth:`PostgresSearch._tsquery`'s text; without one (no word to
    search for), an empty tsquery, which matches no document."""
    return func.to_tsquery(CONFIG, text) if text else literal_column("''::tsquery")


def conditions(query: SearchQuery, text: ColumnElement[Any] | None) -> ColumnElement[bool]:
    """Every filter of ``query``, and the text query ``text`` when there is one."""
    found: list[Any] = []
    if text is not None:
        found.append(IndexRow.document.op("@@")(text))
    if query.category_id is not None:
        found.append(
            IndexRow.category_path.op("@>")(cast([query.category_id], ARRAY(PGUUID(as_uuid=True))))
        )
    if query.vendor_id is not None:
        found.append(IndexRow.vendor_id == query.vendor_id)
    if query.min_price is not None:
        found.append(IndexRow.price_min >= query.min_price)
    if query.max_price is not None:
        found.append(IndexRow.price_min <= query.max_price)
    for group in query.attribute_term_groups():
        found.append(IndexRow.attributes.op("&&")(cast(group, ARRAY(Text))))
    return and_(true(), *found)


def score(text: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(func.ts_rank(WEIGHTS, IndexRow.document, text), Double)


def sort_keys(sort: Sort, rank: ColumnElement[Any] | None) -> list[tuple[ColumnElement[Any], str]]:
    pid = IndexRow.__table__.c.product_id
    published = IndexRow.__table__.c.published_at
    price = IndexRow.__table__.c.price_min
    if sort == "relevance" and rank is not None:
        return [(rank, "desc"), (published, "desc"), (pid, "desc")]
    if sort == "price_asc":
        return [(price, "asc"), (pid, "asc")]
    if sort == "price_desc":
        return [(price, "desc"), (pid, "desc")]
    return [(published, "desc"), (pid, "desc")]


def cursor_types(sort: Sort) -> list[type | tuple[type, ...]]:
    if sort == "relevance":
        return [(float, int), datetime, uuid.UUID]
    if sort in ("price_asc", "price_desc"):
        return [int, uuid.UUID]
    return [datetime, uuid.UUID]


def key_values(sort: Sort, row: IndexRow, rank: float | None) -> list[Any]:
    """The sort key of ``row``, as a cursor holds it."""
    if sort == "relevance":
        return [rank, row.published_at, row.product_id]
    if sort in ("price_asc", "price_desc"):
        return [row.price_min, row.product_id]
    return [row.published_at, row.product_id]


def after(keys: Sequence[tuple[ColumnElement[Any], str]], values: Sequence[Any]) -> Any:
    """Keyset condition "after this sort key", for any mix of directions."""
    clauses = []
    for i, (column, direction) in enumerate(keys):
        equal = [keys[j][0] == values[j] for j in range(i)]
        beyond = column > values[i] if direction == "asc" else column < values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def page(
    where: ColumnElement[bool],
    keys: list[tuple[ColumnElement[Any], str]],
    rank: ColumnElement[Any] | None,
    limit: int,
    cursor: Sequence[Any] | None,
) -> Select[Any]:
    """Rows and their rank, in ``keys`` order, after ``cursor``: one more than
    ``limit`` tells whether another page follows."""
    stmt: Select[Any] = select(IndexRow, rank if rank is not None else literal(None)).where(where)
    if cursor is not None:
        stmt = stmt.where(after(keys, cursor))
    return stmt.order_by(
        *(col.asc() if direction == "asc" else col.desc() for col, direction in keys)
    ).limit(limit + 1)


# --- suggestions

_TITLE = IndexRow.__table__.c.title_folded


def completing_titles(prefix_words: list[str], phrase: str, limit: int) -> Select[tuple[str]]:
    """Titles in which every typed word begins a word; those that begin with the
    whole phrase first."""
    # \m is "start of a word": every typed word must begin a word of the title.
    completes = [_TITLE.op("~")(r"\m" + word) for word in prefix_words]
    return (
        select(IndexRow.title)
        .where(*completes)
        .order_by(
            _TITLE.startswith(phrase).desc(),
            func.word_similarity(phrase, _TITLE).desc(),
            IndexRow.rating_count.desc(),
            IndexRow.title,
        )
        .limit(limit * 3)
    )


def near_titles(alternatives: list[list[str]], phrase: str, limit: int) -> Select[tuple[str]]:
    """Titles in which a word begins with each word or one of its corrections,
    closest to the phrase first."""
    near = [_TITLE.op("~")(r"\m(" + "|".join(options) + ")") for options in alternatives]
    return (
        select(IndexRow.title)
        .where(*near)
        .order_by(
            func.word_similarity(phrase, _TITLE).desc(),
            IndexRow.rating_count.desc(),
            IndexRow.title,
        )
        .limit(limit * 3)
    )


def distinct_titles(titles: Iterable[str], limit: int) -> list[str]:
    """The first ``limit`` titles, one of each (case and accents aside)."""
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
