"""The queries behind a store's changes to its variants (sellable SKUs)."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Variant


async def currency_of(session: AsyncSession, product_id: uuid.UUID) -> str | None:
    """The currency the product's live variants are priced in, if it has any."""
    currency: str | None = await session.scalar(
        select(Variant.currency)
        .where(Variant.product_id == product_id, Variant.deleted_at.is_(None))
        .limit(1)
    )
    return currency


async def sku_taken(session: AsyncSession, sku: str) -> bool:
    """Whether any variant, live or deleted, has this SKU."""
    return bool(await session.scalar(select(exists().where(Variant.sku == sku))))


async def live_variant(session: AsyncSession, product_id: uuid.UUID, sku: str) -> Variant | None:
    variant: Variant | None = await session.scalar(
        select(Variant).where(
            Variant.product_id == product_id, Variant.sku == sku, Variant.deleted_at.is_(None)
        )
    )
    return variant


async def count_other_live_variants(session: AsyncSession, product_id: uuid.UUID, sku: str) -> int:
    """The product's live variants other than ``sku``."""
    count = await session.scalar(
        select(func.count()).where(
            Variant.product_id == product_id,
            Variant.deleted_at.is_(None),
            Variant.sku != sku,
        )
    )
    return int(count or 0)
