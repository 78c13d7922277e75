"""Search documents built from the catalog's tables, the source of truth: one per
product for sale, from the product, its live variants, its store and its category's
path; the queries are in :mod:`agora_catalog.repository.search_documents`."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.adapters.search.base import SearchDocument
from agora_catalog.domain.categories import Tree
from agora_catalog.domain.products import cover_url, rating_average
from agora_catalog.models import Product, Variant
from agora_catalog.repository import embeddings as vectors_repo
from agora_catalog.repository import search_documents as queries
from agora_catalog.repository.categories import load_tree
from agora_kit.db import Database

REBUILD_BATCH = 500


def _document(
    product: Product,
    vendor_name: str,
    offered: Sequence[Variant],
    tree: Tree,
    embedding: Sequence[float] | None,
) -> SearchDocument | None:
    """The product's document, or None when it has nothing to sell (no live variant)
    or was never published."""
    if not offered or product.published_at is None:
        return None
    attributes: dict[str, set[str]] = defaultdict(set)
    for source in (product.attributes, *(v.attributes for v in offered)):
        for key, value in source.items():
            attributes[key].add(value)
    path = tree.path(product.category_id)
    return SearchDocument(
        product_id=product.id,
        vendor_id=product.vendor_id,
        vendor_name=vendor_name,
        category_id=product.category_id,
        category_path=tuple(node.id for node in path),
        category_names=tuple(node.name for node in path),
        title=product.title,
        description=product.description,
        attributes={key: tuple(sorted(values)) for key, values in attributes.items()},
        price_min=min(v.price_amount for v in offered),
        price_max=max(v.price_amount for v in offered),
        currency=offered[0].currency,
        image_url=cover_url(product.cover_image_url, product.images),
        rating_average=rating_average(product.rating_sum, product.rating_count),
        rating_count=product.rating_count,
        published_at=product.published_at,
        embedding=tuple(float(v) for v in embedding) if embedding is not None else None,
    )


async def load_documents(
    session: AsyncSession,
    product_ids: Sequence[uuid.UUID],
    tree: Tree | None = None,
    *,
    vectors: bool = False,
) -> tuple[list[SearchDocument], list[uuid.UUID]]:
    """The documents of those products that are for sale (with their vectors, when
    ``vectors``), and the ids of the others (which the index must not hold)."""
    ids = sorted(set(product_ids))
    if not ids:
        return [], []
    tree = tree or await load_tree(session)
    made = await vectors_repo.vectors_of(session, ids) if vectors else {}
    documents = []
    for product, vendor_name, offered in await queries.for_sale(session, ids):
        document = _document(product, vendor_name, offered, tree, made.get(product.id))
        if document is not None:
            documents.append(document)
    found = {doc.product_id for doc in documents}
    return documents, [pid for pid in ids if pid not in found]


async def count_searchable(database: Database) -> int:
    async with database.transaction() as session:
        return await queries.count_searchable(session)


async def all_documents(
    database: Database, batch_size: int = REBUILD_BATCH, *, vectors: bool = False
) -> AsyncIterator[list[SearchDocument]]:
    """Every document (with its vector, when ``vectors``), in batches, walking products
    by id (keyset, short transactions)."""
    after: uuid.UUID | None = None
    async with database.transaction() as session:
        tree = await load_tree(session)
    while True:
        async with database.transaction() as session:
            ids = await queries.searchable_ids_after(session, after, batch_size)
            if not ids:
                return
            documents, _ = await load_documents(session, ids, tree, vectors=vectors)
        after = ids[-1]
        yield documents
