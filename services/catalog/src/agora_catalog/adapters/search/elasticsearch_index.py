"""The Elasticsearch index: its settings and analysis, its explicit mapping, the
document a product becomes in it, and the hit a stored document becomes again.

The analysis uses only what every Elasticsearch distribution has in its core (the
standard tokenizer, ``lowercase``, ``stop``, ``index_prefixes``), not the
``analysis-common`` module: the index builds on the minimal test distribution too.
Accent folding and English stemming happen before the text reaches the index, with
the Snowball English stemmer that PostgreSQL's ``english`` configuration uses, so
both backends agree on which words match.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from agora_catalog.adapters.search.base import SearchDocument, SearchHit
from agora_catalog.domain.text import fold, stems
from agora_catalog.models import EMBEDDING_DIMENSIONS

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

# The product's text embedding (ADR 0123), searched by kNN: HNSW over the float
# vectors, cosine (pgvector's graph and distance on the PostgreSQL backend). Absent
# until the embedding worker has made it; a field an older index lacks is added on
# start (see ``elasticsearch_lifecycle.create_first_index``).
EMBEDDING: dict[str, Any] = {
    "type": "dense_vector",
    "dims": EMBEDDING_DIMENSIONS,
    "index": True,
    "similarity": "cosine",
    "index_options": {"type": "hnsw", "m": 16, "ef_construction": 64},
}
_STEMS = {"type": "text", "analyzer": "stems", "copy_to": "all_stems"}
_SHOWN = {"type": "keyword", "index": False, "doc_values": False}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    # The vectors are searched, never shown: not stored a second time as JSON. (An
    # index from before keeps them in its source until a rebuild; searches leave
    # them out of their answers either way, with SOURCE.)
    "_source": {"excludes": ["embedding"]},
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
        # Search by meaning.
        "embedding": EMBEDDING,
        # Shown, not searched.
        "title": _SHOWN,
        "vendor_name": _SHOWN,
        "image_url": _SHOWN,
    },
}


# What a search answers of each stored document.
SOURCE: dict[str, Any] = {"excludes": ["embedding"]}


def source(doc: SearchDocument) -> dict[str, Any]:
    """The document as the index stores it (its ``_source``); the vector only once
    it is made."""
    vector = {"embedding": list(doc.embedding)} if doc.embedding is not None else {}
    return vector | {
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


def index_operations(docs: Sequence[SearchDocument]) -> list[dict[str, Any]]:
    """Bulk operations that add or replace ``docs``, each under its product id."""
    ops: list[dict[str, Any]] = []
    for doc in docs:
        ops.append({"index": {"_id": str(doc.product_id)}})
        ops.append(source(doc))
    return ops


def hit(raw: dict[str, Any]) -> SearchHit:
    """A stored document as a search found it (``raw`` is one hit of the answer)."""
    source = raw["_source"]
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
        score=raw.get("_score"),
    )
