"""The reads of products as readers see them: one product with its store, its variants
with their stock, and the pages of products a listing shows with their lowest prices.

The statements of the hottest read (a product and its variants) are built once, at
import: SQLAlchemy then reuses their cache keys and compiled forms instead of building
and hashing them on every request (ADR 0084)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.products import VariantView
from agora_catalog.models import Inventory, Product, Variant, Vendor
from agora_catalog.repository.public import PUBLIC
from agora_kit.pagination import Page, PageParams, entity_page

_VARIANTS = (
    select(Variant, Inventory)
    .outerjoin(Inventory, Inventory.sku == Variant.sku)
    .where(Variant.product_id == bindparam("product_id"), Variant.deleted_at.is_(None))
    .order_by(Variant.created_at, Variant.sku)
)
_PRODUCT = (
    select(Product, Vendor)
    .join(Vendor, Vendor.id == Product.vendor_id)
    .where(Product.id == bindparam("product_id"), Product.deleted_at.is_(None))
)


async def variants_of(session: AsyncSession, product_id: uuid.UUID) -> list[VariantView]:
    """The product's live variants, oldest first, each with its stock."""
    rows = (await session.execute(_VARIANTS, {"product_id": product_id})).all()
    return [VariantView(variant, inventory) for variant, inventory in rows]


async def product_with_vendor(
    session: AsyncSession, product_id: uuid.UUID
) -> tuple[Product, Vendor] | None:
    """The product (not deleted) and its store, whatever their statuses."""
    row = (await session.execute(_PRODUCT, {"product_id": product_id})).first()
    if row is None:
        return None
    product, vendor = row
    return product, vendor


def _published(
    category_ids: Sequence[uuid.UUID] | None, vendor_id: uuid.UUID | None
) -> Select[Any]:
    """Products for sale: published, not deleted, their store approved."""
    stmt = select(Product).join(Vendor, Vendor.id == Product.vendor_id).where(*PUBLIC)
    if category_ids is not None:
        stmt = stmt.where(Product.category_id.in_(category_ids))
    if vendor_id is not None:
        stmt = stmt.where(Product.vendor_id == vendor_id)
    return stmt


async def published_page(
    session: AsyncSession,
    params: PageParams,
    *,
    category_ids: Sequence[uuid.UUID] | None,
    vendor_id: uuid.UUID | None,
) -> Page[Product]:
    """A page of products for sale, newest first, in these categories or this store."""
    return await entity_page(
        session,
        _published(category_ids, vendor_id),
        key=[Product.published_at, Product.id],
        params=params,
        direction="desc",
    )


async def store_page(
    session: AsyncSession, params: PageParams, *, vendor_id: uuid.UUID, status: str | None
) -> Page[Product]:
    """A page of one store's products (drafts too, not the deleted), newest first."""
    stmt = select(Product).where(Product.vendor_id == vendor_id, Product.deleted_at.is_(None))
    if status is not None:
        stmt = stmt.where(Product.status == status)
    return await entity_page(
        session,
        stmt,
        key=[Product.created_at, Product.id],
        params=params,
        direction="desc",
    )


async def lowest_prices(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, str]]:
    """The lowest variant price (and its currency) of each product."""
    if not product_ids:
        return {}
    rows = (
        await session.execute(
            select(Variant.product_id, func.min(Variant.price_amount), func.min(Variant.currency))
            .where(Variant.product_id.in_(product_ids), Variant.deleted_at.is_(None))
            .group_by(Variant.product_id)
        )
    ).all()
    return {pid: (int(amount), currency) for pid, amount, currency in rows}
