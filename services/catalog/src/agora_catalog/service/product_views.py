"""Products as readers see them: one product with its variants and stock, and the
published ones a listing pages through with their lowest prices. Reads only;
``products`` holds the changes a store makes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import (
    PRODUCT_PUBLISHED,
    VENDOR_APPROVED,
    Inventory,
    Product,
    Variant,
    Vendor,
)
from agora_catalog.service.access import Actor
from agora_kit.errors import NotFound


@dataclass
class VariantView:
    variant: Variant
    inventory: Inventory | None

    @property
    def available(self) -> int:
        return self.inventory.available if self.inventory is not None else 0


@dataclass
class ProductView:
    product: Product
    vendor: Vendor
    variants: list[VariantView]


def rating_average(rating_sum: int, rating_count: int) -> float | None:
    return round(rating_sum / rating_count, 2) if rating_count else None


def _can_manage(actor: Actor | None, vendor: Vendor) -> bool:
    return actor is not None and (actor.is_admin or actor.user_id == vendor.owner_id)


def is_public(product: Product, vendor: Vendor) -> bool:
    return (
        product.status == PRODUCT_PUBLISHED
        and product.deleted_at is None
        and vendor.status == VENDOR_APPROVED
    )


# The statements of the hottest read, built once: SQLAlchemy then reuses their cache
# keys and compiled forms instead of building and hashing them on every request.
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
    rows = (await session.execute(_VARIANTS, {"product_id": product_id})).all()
    return [VariantView(variant, inventory) for variant, inventory in rows]


async def view(session: AsyncSession, product_id: uuid.UUID, actor: Actor | None) -> ProductView:
    """The product as ``actor`` may see it: for sale to everyone, otherwise only to its
    store's owner and admins (404 to others, as if it did not exist)."""
    row = (await session.execute(_PRODUCT, {"product_id": product_id})).first()
    if row is None:
        raise NotFound("No such product.")
    product, vendor = row
    if not (is_public(product, vendor) or _can_manage(actor, vendor)):
        raise NotFound("No such product.")
    return ProductView(product, vendor, await variants_of(session, product.id))


# --- Listing


def published(category_ids: Sequence[uuid.UUID] | None, vendor_id: uuid.UUID | None) -> Select[Any]:
    """Products for sale: published, not deleted, their store approved."""
    stmt = (
        select(Product)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(
            Product.status == PRODUCT_PUBLISHED,
            Product.deleted_at.is_(None),
            Vendor.status == VENDOR_APPROVED,
        )
    )
    if category_ids is not None:
        stmt = stmt.where(Product.category_id.in_(category_ids))
    if vendor_id is not None:
        stmt = stmt.where(Product.vendor_id == vendor_id)
    return stmt


async def prices(
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
