"""Search documents built from the catalog's tables, the source of truth."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from agora_catalog.adapters.search.base import SearchDocument
from agora_catalog.domain.categories import Tree
from agora_catalog.domain.products import rating_average
from agora_catalog.models import (
    PRODUCT_PUBLISHED,
    VENDOR_APPROVED,
    Product,
    Variant,
    Vendor,
)
from agora_catalog.repository.categories import load_tree
from agora_kit.db import Database

REBUILD_BATCH = 500


def _searchable() -> tuple[ColumnElement[bool], ...]:
    return (
        Product.status == PRODUCT_PUBLISHED,
        Product.deleted_at.is_(None),
        Vendor.status == VENDOR_APPROVED,
    )


async def load_documents(
    session: AsyncSession, product_ids: Sequence[uuid.UUID], tree: Tree | None = None
) -> tuple[list[SearchDocument], list[uuid.UUID]]:
    """The documents of those products that are for sale, and the ids of the others
    (which the index must not hold)."""
    ids = sorted(set(product_ids))
    if not ids:
        return [], []
    tree = tree or await load_tree(session)
    rows = (
        await session.execute(
            select(Product, Vendor.name)
            .join(Vendor, Vendor.id == Product.vendor_id)
            .where(Product.id.in_(ids), *_searchable())
        )
    ).all()
    variants: dict[uuid.UUID, list[Variant]] = defaultdict(list)
    if rows:
        for variant in await session.scalars(
            select(Variant)
            .where(
                Variant.product_id.in_([product.id for product, _ in rows]),
                Variant.deleted_at.is_(None),
            )
            .order_by(Variant.price_amount, Variant.sku)
        ):
            variants[variant.product_id].append(variant)
    documents = []
    for product, vendor_name in rows:
        offered = variants.get(product.id)
        if not offered or product.published_at is None:
            continue
        attributes: dict[str, set[str]] = defaultdict(set)
        for source in (product.attributes, *(v.attributes for v in offered)):
            for key, value in source.items():
                attributes[key].add(value)
        path = tree.path(product.category_id)
        documents.append(
            SearchDocument(
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
                image_url=product.images[0]["url"] if product.images else None,
                rating_average=rating_average(product.rating_sum, product.rating_count),
                rating_count=product.rating_count,
                published_at=product.published_at,
            )
        )
    found = {doc.product_id for doc in documents}
    return documents, [pid for pid in ids if pid not in found]


async def count_searchable(database: Database) -> int:
    async with database.transaction() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(Product)
                .join(Vendor, Vendor.id == Product.vendor_id)
                .where(*_searchable())
            )
            or 0
        )


async def all_documents(
    database: Database, batch_size: int = REBUILD_BATCH
) -> AsyncIterator[list[SearchDocument]]:
    """Every document, in batches, walking products by id (keyset, short transactions)."""
    after: uuid.UUID | None = None
    async with database.transaction() as session:
        tree = await load_tree(session)
    while True:
        async with database.transaction() as session:
            stmt = (
                select(Product.id)
                .join(Vendor, Vendor.id == Product.vendor_id)
                .where(*_searchable())
                .order_by(Product.id)
                .limit(batch_size)
            )
            if after is not None:
                stmt = stmt.where(Product.id > after)
            ids = list((await session.scalars(stmt)).all())
            if not ids:
                return
            documents, _ = await load_documents(session, ids, tree)
        after = ids[-1]
        yield documents
