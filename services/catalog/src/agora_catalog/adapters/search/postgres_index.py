"""The PostgreSQL search index's rows: what a document becomes in ``search_documents``
(a ``tsvector`` weighted by where a word occurs: title A; category names and attribute
values B; store name C; description D), the vocabulary (``search_terms``) typo
corrections draw on, and the hit an indexed row becomes. It builds statements; the backend
(:mod:`~agora_catalog.adapters.search.postgres`) runs them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, Text, cast, func, literal, literal_column
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.elements import ColumnElement

from agora_catalog.adapters.search.base import SearchDocument, SearchHit
from agora_catalog.domain.text import fold, words
from agora_catalog.models import SearchDocument as IndexRow
from agora_catalog.models import SearchTerm

# The text search configuration: English stemming and stop words.
CONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")
MIN_CORRECTABLE = 3

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


def upsert_documents(docs: Sequence[SearchDocument]) -> Insert:
    """Add ``docs``, or replace the rows of those already indexed."""
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
        for doc in docs
    ]
    stmt = pg_insert(IndexRow).values(rows)
    return stmt.on_conflict_do_update(
        index_elements=[IndexRow.product_id],
        set_={name: stmt.excluded[name] for name in _DOC_COLUMNS},
    )


def vocabulary(docs: Sequence[SearchDocument]) -> list[str]:
    """The words of ``docs`` long enough to correct a typo towards."""
    terms: set[str] = set()
    for doc in docs:
        text = " ".join(
            (doc.title, doc.attribute_text, doc.vendor_name, doc.description, *doc.category_names)
        )
        terms.update(w for w in words(text) if MIN_CORRECTABLE <= len(w) <= 100)
    return sorted(terms)


def add_terms(terms: Sequence[str]) -> Insert:
    return pg_insert(SearchTerm).values([{"term": term} for term in terms]).on_conflict_do_nothing()


def hit(row: IndexRow, rank: float | None) -> SearchHit:
    """An indexed row as a search found it, with its rank when it was ranked."""
    return SearchHit(
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
        score=rank,
    )
