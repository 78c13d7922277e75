"""The queries on wishlists: add (once), a buyer's page, remove, erase a buyer's, and
who wished a SKU (to tell them it is back or cheaper)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Product, Variant, Vendor, Wish
from agora_catalog.repository.public import PUBLIC
from agora_kit.pagination import Page, PageParams, keyset_page


async def public_product(session: AsyncSession, product_id: uuid.UUID) -> Product | None:
    """The product, if it is for sale to everyone."""
    product: Product | None = await session.scalar(
        select(Product)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(Product.id == product_id, *PUBLIC)
    )
    return product


async def has_live_sku(session: AsyncSession, product_id: uuid.UUID, sku: str) -> bool:
    found = await session.scalar(
        select(Variant.id).where(
            Variant.product_id == product_id, Variant.sku == sku, Variant.deleted_at.is_(None)
        )
    )
    return found is not None


async def add(
    session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID, sku: str | None
) -> tuple[Wish, bool]:
    """The buyer's wish for the product (or its SKU), and whether it is new: a second
    add, even a concurrent one, finds the first."""
    inserted = await session.scalar(
        insert(Wish)
        .values(id=uuid.uuid4(), user_id=user_id, product_id=product_id, sku=sku)
        .on_conflict_do_nothing()
        .returning(Wish.id)
    )
    same_sku = Wish.sku.is_(None) if sku is None else Wish.sku == sku
    wish = await session.scalar(
        select(Wish)
        .where(Wish.user_id == user_id, Wish.product_id == product_id, same_sku)
        .execution_options(populate_existing=True)
    )
    assert wish is not None  # inserted now, or there before: the unique key holds it
    return wish, inserted is not None


async def page(
    session: AsyncSession, user_id: uuid.UUID, params: PageParams
) -> Page[tuple[Wish, str]]:
    """A page of the buyer's wishes with their products' titles, newest first."""
    # Each row is the (wish, title) pair, not a single entity (scalars=False).
    rows = cast(
        "Select[tuple[tuple[Wish, str]]]",
        select(Wish, Product.title)
        .join(Product, Product.id == Wish.product_id)
        .where(Wish.user_id == user_id),
    )
    return await keyset_page(
        session,
        rows,
        key=[Wish.created_at, Wish.id],
        key_of=lambda row: (row[0].created_at, row[0].id),
        params=params,
        to_item=lambda row: (row[0], row[1]),
        direction="desc",
        scalars=False,
    )


async def remove(session: AsyncSession, user_id: uuid.UUID, wish_id: uuid.UUID) -> bool:
    result: Any = await session.execute(
        delete(Wish).where(Wish.id == wish_id, Wish.user_id == user_id)
    )
    return bool(result.rowcount)


async def remove_all(session: AsyncSession, user_id: uuid.UUID) -> int:
    result: Any = await session.execute(delete(Wish).where(Wish.user_id == user_id))
    return int(result.rowcount or 0)


async def wishers_of(session: AsyncSession, sku: str) -> list[tuple[uuid.UUID, Variant, Product]]:
    """The buyers who wished the live ``sku`` or its whole product, each once, with the
    variant and its product; none when the product is not for sale to everyone."""
    rows = await session.execute(
        select(Wish.user_id, Variant, Product)
        .select_from(Variant)
        .join(Product, Product.id == Variant.product_id)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .join(
            Wish,
            (Wish.product_id == Product.id) & or_(Wish.sku == Variant.sku, Wish.sku.is_(None)),
        )
        .where(Variant.sku == sku, Variant.deleted_at.is_(None), *PUBLIC)
        .distinct(Wish.user_id)
        .order_by(Wish.user_id)
    )
    return [(user_id, variant, product) for user_id, variant, product in rows]
