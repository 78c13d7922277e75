"""The queries on product embeddings (ADR 0123): the products whose vector is missing
or older than their text's last edit (the product's or its category's), writing
vectors, and the products nearest one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Double, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Category, Product, ProductEmbedding, Vendor
from agora_catalog.repository.public import PUBLIC


@dataclass(frozen=True)
class Pending:
    """A product for sale to embed: its text's parts and the edit they are from (the
    later of the product's and its category's)."""

    product_id: uuid.UUID
    updated_at: datetime
    title: str
    category: str
    attributes: dict[str, Any]
    description: str


async def pending(session: AsyncSession, limit: int) -> list[Pending]:
    """Products for sale without a vector, or whose text was edited since theirs was
    made (the product, or its category's name: it is part of the text); the longest
    waiting first."""
    edited = func.greatest(Product.updated_at, Category.updated_at)
    rows = await session.execute(
        select(
            Product.id,
            edited,
            Product.title,
            Category.name,
            Product.attributes,
            Product.description,
        )
        .join(Vendor, Vendor.id == Product.vendor_id)
        .join(Category, Category.id == Product.category_id)
        .outerjoin(ProductEmbedding, ProductEmbedding.product_id == Product.id)
        .where(
            *PUBLIC,
            or_(
                ProductEmbedding.product_id.is_(None),
                ProductEmbedding.source_updated_at < edited,
            ),
        )
        .order_by(edited, Product.id)
        .limit(limit)
    )
    return [Pending(*row) for row in rows.tuples()]


async def store(
    session: AsyncSession, vectors: Sequence[tuple[uuid.UUID, datetime, list[float]]]
) -> None:
    """Write each product's vector, made from its edit of ``updated_at``; a vector of
    an older edit never replaces one of a newer (two workers racing)."""
    if not vectors:
        return
    stmt = pg_insert(ProductEmbedding).values(
        [
            {"product_id": pid, "source_updated_at": updated_at, "embedding": vector}
            for pid, updated_at, vector in sorted(vectors, key=lambda v: v[0])
        ]
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ProductEmbedding.product_id],
            set_={
                "embedding": stmt.excluded.embedding,
                "source_updated_at": stmt.excluded.source_updated_at,
                "embedded_at": func.now(),
            },
            where=ProductEmbedding.source_updated_at < stmt.excluded.source_updated_at,
        )
    )


async def vectors_of(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[float]]:
    """The vectors made so far of those products (a search document's ``embedding``)."""
    if not product_ids:
        return {}
    rows = await session.execute(
        select(ProductEmbedding.product_id, ProductEmbedding.embedding).where(
            ProductEmbedding.product_id.in_(product_ids)
        )
    )
    return dict(rows.tuples().all())


# How many neighbours an HNSW scan keeps looking at: the vector search's depth.
SCAN_DEPTH = 100
# What every catalog connection starts with (given to its Database, so no request
# spends a round trip on them): pgvector's iterative scan, so an HNSW scan finds its
# neighbours even when filters drop many of the nearest, and SCAN_DEPTH of them.
# PostgreSQL keeps them as placeholders until pgvector loads in the session, which then
# takes them up.
SCAN_SETTINGS = {"hnsw.iterative_scan": "relaxed_order", "hnsw.ef_search": str(SCAN_DEPTH)}


async def similar(
    session: AsyncSession, product_id: uuid.UUID, limit: int
) -> Sequence[tuple[Product, float]]:
    """The products for sale nearest ``product_id`` by cosine distance, itself left out,
    with their cosine similarity; none when it has no vector yet."""
    own = (
        select(ProductEmbedding.embedding)
        .where(ProductEmbedding.product_id == product_id)
        .scalar_subquery()
    )
    distance = ProductEmbedding.embedding.op("<=>", return_type=Double)(own)
    rows = await session.execute(
        select(Product, distance)
        .join(ProductEmbedding, ProductEmbedding.product_id == Product.id)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(ProductEmbedding.product_id != product_id, *PUBLIC, own.is_not(None))
        .order_by(distance, Product.id)
        .limit(limit)
    )
    # relaxed_order may hand back near-ties out of order: put them straight.
    found = sorted(rows.tuples(), key=lambda row: (row[1], row[0].id))
    return [(product, 1.0 - float(d)) for product, d in found]
