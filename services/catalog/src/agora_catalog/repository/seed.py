"""The bulk writes of the demo catalog (``agora seed``): rows inserted as they are,
without the ORM's unit of work, a few hundred products per transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Category, Inventory, Product, Purchase, Review, Variant, Vendor


async def count_products(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


async def categories_by_place(
    session: AsyncSession,
) -> dict[tuple[uuid.UUID | None, str], uuid.UUID]:
    """Every category's id, by its parent's id and its name."""
    return {(c.parent_id, c.name): c.id for c in (await session.scalars(select(Category))).all()}


async def insert_category(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(Category).values(**values))


async def insert_vendor(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(Vendor).values(**values))


async def insert_product(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(Product).values(**values))


async def insert_variants(
    session: AsyncSession,
    variants: Sequence[dict[str, Any]],
    stock: Sequence[dict[str, Any]],
) -> None:
    """The variants, then their stock rows (one per SKU)."""
    await session.execute(insert(Variant), variants)
    await session.execute(insert(Inventory), stock)


async def insert_review(session: AsyncSession, *, order_id: uuid.UUID, **values: Any) -> None:
    """A review, and the purchase (by ``order_id``) that lets its author write it."""
    await session.execute(
        insert(Purchase).values(
            buyer_id=values["author_id"], product_id=values["product_id"], order_id=order_id
        )
    )
    await session.execute(insert(Review).values(**values))
