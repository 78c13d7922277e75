"""Product embeddings (ADR 0123): each product for sale gets a vector of its text,
made off the request path by the embedding worker (``tasks.embed_products``), and
"similar products" reads the nearest ones. A search backend that keeps vectors in its
documents (Elasticsearch) gets each product again in the transaction that stores its
vector: the index is written before the vector commits, so a crash between the two
leaves the product to embed again, never a stored vector the index lacks.

The worker looks for products without a vector or edited since theirs was made, in
batches, and writes the vectors in a transaction of their own; the encoder runs in a
thread so the event loop keeps serving. Several replicas may embed the same product
at once: the write keeps the vector of the newest edit, so the waste is harmless."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.adapters.search.base import SearchBackend, SearchQuery, SearchResult
from agora_catalog.domain.products import is_public
from agora_catalog.models import Product
from agora_catalog.repository import embeddings as repo
from agora_catalog.repository import product_views as views_repo
from agora_kit.db import Database
from agora_kit.errors import NotFound

if TYPE_CHECKING:
    from agora_catalog.adapters.embeddings import Encoder
    from agora_catalog.service.indexing import Indexer

DEFAULT_LIMIT = 8
MAX_LIMIT = 24
BATCH = 16
DESCRIPTION_CHARS = 600


def _encoder() -> Encoder:
    """The model, its module imported on first use: a catalog that never encodes keeps
    numpy and the tokenizer out of its memory."""
    from agora_catalog.adapters import embeddings as model

    return model.encoder()


def release_idle_model(idle_seconds: float) -> bool:
    """Forget the model when it was not used for ``idle_seconds`` (ADR 0123): at rest
    the catalog does not hold its weights. Whether it did; nothing is imported for it."""
    model = sys.modules.get("agora_catalog.adapters.embeddings")
    return model is not None and bool(model.release_if_idle(idle_seconds))


def product_text(item: repo.Pending) -> str:
    """What a product's vector is made of: title, category, attribute values and the
    start of the description (the model reads 128 word pieces at most)."""
    attributes = ", ".join(str(value) for value in item.attributes.values())
    parts = [item.title, item.category, attributes, item.description[:DESCRIPTION_CHARS]]
    return ". ".join(part.strip() for part in parts if part and part.strip())


async def embed_pending(
    database: Database,
    batch: int = BATCH,
    model: Encoder | None = None,
    indexer: Indexer | None = None,
) -> int:
    """Embed up to ``batch`` products whose vector is missing or stale; how many. With
    an ``indexer`` whose backend keeps vectors in its documents, their documents are
    written again with the new vectors."""
    async with database.transaction() as session:
        items = await repo.pending(session, batch)
    if not items:
        return 0
    texts = [product_text(item) for item in items]

    def encode() -> list[list[float]]:
        return [[float(v) for v in row] for row in (model or _encoder()).encode(texts)]

    vectors = await asyncio.to_thread(encode)
    async with database.transaction() as session:
        await repo.store(
            session,
            [(item.product_id, item.updated_at, v) for item, v in zip(items, vectors, strict=True)],
        )
        if indexer is not None and indexer.backend.vectors_in_documents:
            # Not waiting for the index's refresh: the transaction (and its locks) would
            # last up to a refresh interval per batch.
            await indexer.refresh(session, [item.product_id for item in items], wait=False)
    return len(items)


async def embed_query(text: str) -> list[float]:
    """The vector of a search's words, computed in a thread."""
    vectors = await asyncio.to_thread(lambda: _encoder().encode([text]))
    return [float(v) for v in vectors[0]]


@dataclass(frozen=True)
class Similar:
    """A product near another, its cosine similarity, and its lowest price (amount,
    currency) when it has a live variant."""

    product: Product
    similarity: float
    price: tuple[int, str] | None


async def similar(
    session: AsyncSession, product_id: uuid.UUID, limit: int = DEFAULT_LIMIT
) -> Sequence[Similar]:
    """The products for sale nearest in meaning to ``product_id`` (a product for sale;
    404 otherwise), nearest first; empty while its vector is not made yet."""
    found = await views_repo.product_with_vendor(session, product_id)
    if found is None or not is_public(found[0], found[1]):
        raise NotFound("No such product.")
    rows = await repo.similar(session, product_id, limit)
    prices = await views_repo.lowest_prices(session, [product.id for product, _ in rows])
    return [Similar(product, similarity, prices.get(product.id)) for product, similarity in rows]


async def search(backend: SearchBackend, query: SearchQuery) -> SearchResult:
    """A search in its mode: ``vector`` and ``hybrid`` embed the words first; without
    words every mode lists the products as ``text`` does."""
    if query.mode != "text" and query.has_text:
        query = replace(query, vector=tuple(await embed_query(query.text or "")))
    return await backend.search(query)
