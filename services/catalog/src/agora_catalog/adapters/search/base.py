"""The search interface: what the catalog asks of a search backend, whichever it is.

A backend holds one document per product that is for sale (published, not deleted,
its store approved, at least one variant) and answers full-text queries with
filters, facets, sorts and cursor pages, and prefix suggestions. PostgreSQL
(``postgres``) and Elasticsearch (``elasticsearch``) implement it; both pass the same
contract suite (``agora_catalog_testing.search_contract``).

Semantics every backend gives:
- Text matches whole words after stemming (English), accents and case folded; every
  word of the query must match somewhere in the product (title, attributes, category
  names, store name, description); a word the index does not know matches the
  indexed words within a typo or two of it. A title match ranks above a
  description match.
- Filters: category (the category and every one below it), vendor, price range on
  the product's lowest variant price (minor units, bounds inclusive), attributes
  (values of one key are alternatives, different keys must all match).
- Facets count the products matching the query and every filter: by category (the
  product's own), vendor, price bucket (:data:`PRICE_BUCKETS`) and attribute.
- Sorts: ``relevance`` (ties and queries without text: newest first), ``price_asc``,
  ``price_desc`` (lowest variant price), ``newest`` (published_at).
- Cursors are opaque and only valid with the query that produced them; a page
  walk visits every match once.

Search by meaning (``mode`` ``vector`` or ``hybrid``, with the query's embedding in
``vector``; ADR 0123) is every backend's too: PostgreSQL reads the catalog's own
``product_embeddings``
(:mod:`~agora_catalog.adapters.search.postgres_semantic`); Elasticsearch keeps each
product's vector in its document (``vectors_in_documents``: the indexer sends
:attr:`SearchDocument.embedding`;
:mod:`~agora_catalog.adapters.search.elasticsearch_semantic`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from agora_catalog.domain.text import attribute_term, fold
from agora_kit.errors import InvalidParam, Unprocessable
from agora_kit.pagination import decode_cursor, encode_cursor

Sort = Literal["relevance", "price_asc", "price_desc", "newest"]
# How words are matched (ADR 0123): ``text`` by the words themselves, ``vector`` by
# meaning (the query's embedding against the products'), ``hybrid`` both, fused by
# reciprocal rank.
Mode = Literal["text", "vector", "hybrid"]
MODES: tuple[Mode, ...] = ("text", "vector", "hybrid")
SORTS: tuple[Sort, ...] = ("relevance", "price_asc", "price_desc", "newest")

# Price facet buckets in minor units: [from, to), the last one open-ended.
PRICE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 1_000),
    (1_000, 2_500),
    (2_500, 5_000),
    (5_000, 10_000),
    (10_000, 25_000),
    (25_000, 50_000),
    (50_000, None),
)
FACET_SIZE = 20
ATTRIBUTE_FACET_SIZE = 30
MAX_SUGGESTIONS = 20


def bucket_label(low: int, high: int | None) -> str:
    return f"{low}-{high}" if high is not None else f"{low}-"


@dataclass(frozen=True)
class ProductSummary:
    """A product for sale as a search result shows it: what every document holds and
    every hit carries, besides the text that is searched."""

    product_id: uuid.UUID
    title: str
    vendor_id: uuid.UUID
    vendor_name: str
    category_id: uuid.UUID
    # Minor units: the lowest and highest variant price.
    price_min: int
    price_max: int
    currency: str
    image_url: str | None
    rating_average: float | None
    rating_count: int
    published_at: datetime


@dataclass(frozen=True)
class SearchDocument(ProductSummary):
    """One product for sale, as the index holds it."""

    # Root first, down to the product's category.
    category_path: tuple[uuid.UUID, ...]
    category_names: tuple[str, ...]
    description: str
    # Product and variant attributes: key -> every value the product offers.
    attributes: Mapping[str, tuple[str, ...]]
    # The product's text embedding (unit length, ADR 0123), for a backend that keeps
    # vectors in its documents; None until the embedding worker has made it.
    embedding: tuple[float, ...] | None = None

    @property
    def attribute_terms(self) -> list[str]:
        return sorted(
            {
                attribute_term(key, value)
                for key, values in self.attributes.items()
                for value in values
            }
        )

    @property
    def attribute_text(self) -> str:
        return " ".join(value for values in self.attributes.values() for value in values)


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None
    category_id: uuid.UUID | None = None
    vendor_id: uuid.UUID | None = None
    min_price: int | None = None
    max_price: int | None = None
    # Normalised key -> accepted values (see :func:`attribute_filters`).
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: Sort = "relevance"
    limit: int = 20
    cursor: str | None = None
    mode: Mode = "text"
    # The embedding of ``text`` (unit length), which ``vector`` and ``hybrid`` need.
    vector: tuple[float, ...] | None = None

    @property
    def has_text(self) -> bool:
        return bool(self.text and self.text.strip())

    @property
    def by_meaning(self) -> bool:
        """Ranked by meaning (alone or with the words): a mode other than ``text``, with
        words and their vector."""
        return self.mode != "text" and self.has_text and self.vector is not None

    @property
    def effective_sort(self) -> Sort:
        # Without words to rank by, relevance means "newest first".
        return "newest" if self.sort == "relevance" and not self.has_text else self.sort

    def attribute_term_groups(self) -> list[list[str]]:
        return [
            [attribute_term(key, value) for value in values]
            for key, values in sorted(self.attributes.items())
        ]


@dataclass(frozen=True)
class SearchHit(ProductSummary):
    """One product a search found; ``score`` is its relevance, when it was ranked."""

    score: float | None = None


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


# Facet name (category, vendor, price, attributes) -> its values and their counts: the
# price buckets in price order, the others most frequent first.
SearchFacets = dict[str, list[FacetCount]]


def facet_values(counts: Iterable[tuple[Any, int]]) -> list[FacetCount]:
    """A facet's (value, count) pairs, in the backend's order, the empty ones left out."""
    return [FacetCount(value=str(value), count=int(count)) for value, count in counts if count]


def price_facet(counts: Iterable[int]) -> list[FacetCount]:
    """The price facet from how many matches fall in each of :data:`PRICE_BUCKETS`."""
    labels = (bucket_label(low, high) for low, high in PRICE_BUCKETS)
    return facet_values(zip(labels, counts, strict=True))


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: SearchFacets
    next_cursor: str | None


Progress = Callable[[int], None]


class SearchBackend(Protocol):
    name: str
    # Whether its documents carry the products' vectors (the indexer then loads them,
    # and sends a product again when its vector is made).
    vectors_in_documents: bool

    async def start(self) -> None:
        """Connect, and create the index if there is none."""
        ...

    async def close(self) -> None: ...

    async def check(self) -> None:
        """Raise when the backend cannot be reached (readiness)."""
        ...

    async def upsert(self, documents: Sequence[SearchDocument], *, wait: bool = True) -> None:
        """Add or replace documents; visible to searches when this returns, or soon
        after without ``wait`` (the embedding worker's new vectors need not be)."""
        ...

    async def delete(self, product_ids: Sequence[uuid.UUID]) -> None:
        """Remove documents; unknown ids are ignored."""
        ...

    async def search(self, query: SearchQuery) -> SearchResult: ...

    async def suggest(self, text: str, limit: int = 8) -> list[str]:
        """Titles completing ``text`` (every word a prefix of a title word; typos
        tolerated when nothing completes it), best first, without duplicates."""
        ...

    async def rebuild(
        self, batches: AsyncIterable[Sequence[SearchDocument]], progress: Progress | None = None
    ) -> int:
        """Replace the whole index with ``batches``, atomically: searches see the old
        index until the new one is complete. Returns how many documents it holds."""
        ...

    async def count(self) -> int:
        """How many documents the index holds."""
        ...


# --- Cursors: the sort they belong to and the sort key of the last hit.


def make_cursor(sort: str, values: Sequence[Any]) -> str:
    return encode_cursor([sort, *values])


def bad_cursor(reason: str) -> Unprocessable:
    return Unprocessable(
        "The cursor is not one this search issued.",
        errors=[InvalidParam(name="query.cursor", reason=reason)],
    )


def read_cursor(cursor: str, sort: str, types: Sequence[type | tuple[type, ...]]) -> list[Any]:
    """The sort key in ``cursor``, checked against ``types`` so that a forged cursor is
    the client's error (422), never the backend's (500). ``sort`` is what the cursor is
    bound to: the sort, or a search by meaning's ``mode:sort``."""
    values = decode_cursor(cursor, size=len(types) + 1)
    if values[0] != sort:
        raise bad_cursor("cursor of another sort")
    for value, expected in zip(values[1:], types, strict=True):
        if isinstance(value, bool) or not isinstance(value, expected):
            raise bad_cursor("malformed cursor")
    return values[1:]


def attribute_filters(raw: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["colour:red", "colour:blue", "size:M"]`` -> ``{"colour": ("red", "blue"), ...}``."""
    groups: dict[str, list[str]] = {}
    for item in raw:
        key, sep, value = item.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise Unprocessable(
                "Attribute filters look like attr=colour:red.",
                errors=[InvalidParam(name="query.attr", reason=f"not key:value: {item!r}")],
            )
        groups.setdefault(fold(key).strip(), []).append(fold(value).strip())
    return {key: tuple(values) for key, values in groups.items()}
