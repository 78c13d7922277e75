"""The queries behind the search index: which products are for sale (published, not
deleted, their store approved) with what a document is built from, which products a
store's or a category's change touches, what changed since a time, and the per-product
locks that serialise refreshes."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Category, Product, ProductEmbedding, Variant, Vendor
from agora_catalog.repository.public import PUBLIC


async def for_sale(
    session: AsyncSession, product_ids: Collection[uuid.UUID]
) -> list[tuple[Product, str, list[Variant]]]:
    """Those of the products that are searchable, each with its store's name and its
    live variants (cheapest first, then by SKU)."""
    rows = (
        await session.execute(
            select(Product, Vendor.name)
            .join(Vendor, Vendor.id == Product.vendor_id)
            .where(Product.id.in_(product_ids), *PUBLIC)
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
    return [(product, vendor_name, variants[product.id]) for product, vendor_name in rows]


async def count_searchable(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Product)
            .join(Vendor, Vendor.id == Product.vendor_id)
            .where(*PUBLIC)
        )
        or 0
    )


async def searchable_ids_after(
    session: AsyncSession, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """The next ``limit`` searchable products' ids above ``after`` (keyset walk by id)."""
    stmt = (
        select(Product.id)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(*PUBLIC)
        .order_by(Product.id)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(Product.id > after)
    return list((await session.scalars(stmt)).all())


async def lock_products(session: AsyncSession, product_ids: Sequence[uuid.UUID]) -> None:
    """Transaction-scoped advisory locks on the products, taken in a fixed order."""
    await session.execute(
        text(
            "SELECT pg_advisory_xact_lock(k) FROM ("
            " SELECT DISTINCT hashtextextended(id::text, 7) AS k"
            " FROM unnest(CAST(:ids AS uuid[])) AS id ORDER BY k) AS keys"
        ),
        {"ids": list(product_ids)},
    )


async def vendor_product_ids(session: AsyncSession, vendor_id: uuid.UUID) -> list[uuid.UUID]:
    """The store's products that are not deleted."""
    return list(
        await session.scalars(
            select(Product.id).where(Product.vendor_id == vendor_id, Product.deleted_at.is_(None))
        )
    )


async def category_product_ids(
    session: AsyncSession, category_ids: Collection[uuid.UUID]
) -> list[uuid.UUID]:
    """The products (not deleted) filed in any of the categories."""
    return list(
        await session.scalars(
            select(Product.id).where(
                Product.category_id.in_(category_ids), Product.deleted_at.is_(None)
            )
        )
    )


async def changed_since(session: AsyncSession, since: datetime) -> list[uuid.UUID]:
    """The products that, or whose store or category, changed at or after ``since``, or
    whose vector was made since (a document may hold it, ADR 0123)."""
    return list(
        await session.scalars(
            select(Product.id)
            .join(Vendor, Vendor.id == Product.vendor_id)
            .join(Category, Category.id == Product.category_id)
            .outerjoin(ProductEmbedding, ProductEmbedding.product_id == Product.id)
            .where(
                or_(
                    Product.updated_at >= since,
                    Vendor.updated_at >= since,
                    Category.updated_at >= since,
                    ProductEmbedding.embedded_at >= since,
                )
            )
        )
    )
