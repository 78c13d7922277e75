"""Elasticsearch requests from a :class:`SearchQuery`, and results from its answers:
the text query (every word, or a correction of it; the title ranks first), filters,
facet aggregations and their buckets, sorts with their ``search_after`` keys, typo
corrections from the term suggester, and suggestion lookups."""

from __future__ import annotations

from typing import Any

from agora_catalog.adapters.search.base import (
    ATTRIBUTE_FACET_SIZE,
    FACET_SIZE,
    PRICE_BUCKETS,
    SearchFacets,
    SearchQuery,
    Sort,
    bucket_label,
    facet_values,
)
from agora_catalog.domain.text import is_typo_of

SORTS: dict[Sort, list[Any]] = {
    "relevance": ["_score", {"published_at": "desc"}, {"product_id": "desc"}],
    "price_asc": [{"price_min": "asc"}, {"product_id": "asc"}],
    "price_desc": [{"price_min": "desc"}, {"product_id": "desc"}],
    "newest": [{"published_at": "desc"}, {"product_id": "desc"}],
}
# The JSON types of each sort's key (search_after): score, epoch millis, id.
CURSOR_TYPES: dict[Sort, list[type | tuple[type, ...]]] = {
    "relevance": [(float, int), int, str],
    "price_asc": [int, str],
    "price_desc": [int, str],
    "newest": [int, str],
}
FACETS = ("category", "vendor", "price", "attributes")


def filters(query: SearchQuery) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if query.category_id is not None:
        found.append({"term": {"category_path": str(query.category_id)}})
    if query.vendor_id is not None:
        found.append({"term": {"vendor_id": str(query.vendor_id)}})
    price: dict[str, int] = {}
    if query.min_price is not None:
        price["gte"] = query.min_price
    if query.max_price is not None:
        price["lte"] = query.max_price
    if price:
        found.append({"range": {"price_min": price}})
    found.extend({"terms": {"attributes": group}} for group in query.attribute_term_groups())
    return found


def corrections_suggester(stemmed: str) -> dict[str, Any]:
    """The term suggester in ``missing`` mode over ``stemmed``: the nearest indexed
    words of each word the index does not know."""
    return {
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
    }


def corrections(response: Any) -> list[list[str]]:
    """Each word the suggester saw, followed by its corrections."""
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


def text_query(alternatives: list[list[str]]) -> dict[str, Any]:
    """Every word (through itself or a correction) somewhere in the product."""
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


def aggregations() -> dict[str, Any]:
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


def facets(aggs: dict[str, Any]) -> SearchFacets:
    """The non-empty buckets of each facet's aggregation."""
    return {
        name: facet_values((b["key"], b["doc_count"]) for b in aggs[name]["buckets"])
        for name in FACETS
    }


def prefix_matches(typed: list[str]) -> list[dict[str, Any]]:
    """Every typed word begins a word of the title."""
    return [{"prefix": {"title_words": word}} for word in typed]


def fuzzy_matches(typed: list[str]) -> list[dict[str, Any]]:
    """Every typed word is a word of the title, a typo or two aside."""
    return [{"fuzzy": {"title_words": {"value": word, "fuzziness": "AUTO"}}} for word in typed]


def titles_request(must: list[dict[str, Any]], typed: str, limit: int) -> dict[str, Any]:
    """Distinct titles matching ``must``; those beginning with ``typed`` first."""
    return {
        "query": {
            "bool": {
                "must": must,
                # Titles that begin with what was typed come first.
                "should": [{"prefix": {"title_key": {"value": typed, "boost": 2}}}],
            }
        },
        "collapse": {"field": "title_key"},
        "sort": ["_score", {"rating_count": "desc"}, {"title_key": "asc"}],
        "size": limit,
        "source_includes": ["title"],
    }
