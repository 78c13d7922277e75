"""The queries behind a store's changes to its products."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Product, Variant, Vendor
from agora_catalog.repository.public import PUBLIC


async def product_for_update(
    session: AsyncSession, product_id: uuid.UUID, *, nowait: bool = False
) -> Product | None:
    """The product (not deleted), locked for this transaction: its events keep their
    order. With ``nowait``, a product another transaction holds raises at once."""
    product: Product | None = await session.scalar(
        select(Product)
        .where(Product.id == product_id, Product.deleted_at.is_(None))
        .with_for_update(nowait=nowait)
    )
    return product


async def skus_of(session: AsyncSession, product_id: uuid.UUID) -> list[str]:
    """Every SKU the product ever had, deleted variants' too (they stay taken)."""
    return list(
        await session.scalars(
            select(Variant.sku).where(Variant.product_id == product_id).order_by(Variant.sku)
        )
    )


async def has_live_variant(session: AsyncSession, product_id: uuid.UUID) -> bool:
    return bool(
        await session.scalar(
            select(exists().where(Variant.product_id == product_id, Variant.deleted_at.is_(None)))
        )
    )


async def for_sale_for_update(session: AsyncSession, product_ids: list[uuid.UUID]) -> list[Product]:
    """Those products still for sale, locked for this transaction in id order: an event
    written about them now keeps its place among their other events. PostgreSQL checks
    the conditions again on the row it locks, so a product withdrawn meanwhile is left
    out; a product whose store is suspended meanwhile is kept (the store's row is not
    locked), and its withdrawal event follows."""
    return list(
        await session.scalars(
            select(Product)
            .join(Vendor, Vendor.id == Product.vendor_id)
            .where(Product.id.in_(product_ids), *PUBLIC)
            .order_by(Product.id)
            .with_for_update(of=Product)
        )
    )
