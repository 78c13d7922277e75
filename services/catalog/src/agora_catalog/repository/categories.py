"""The queries on the category tree: all of it at once (it is small), one category,
and whether anything hangs below one."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.categories import Node, Tree
from agora_catalog.models import Category, Product


async def load_tree(session: AsyncSession) -> Tree:
    """The whole tree in one query, children by name."""
    rows = (await session.scalars(select(Category).order_by(Category.name, Category.id))).all()
    return Tree.of(Node(c.id, c.name, c.slug, c.parent_id) for c in rows)


async def get_category(
    session: AsyncSession, category_id: uuid.UUID, *, lock: bool = False
) -> Category | None:
    """The category, locked for this transaction when ``lock``."""
    return await session.get(Category, category_id, with_for_update=lock)


async def has_children(session: AsyncSession, category_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Category.parent_id == category_id))))


async def has_products(session: AsyncSession, category_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Product.category_id == category_id))))


async def delete_category(session: AsyncSession, category: Category) -> None:
    await session.delete(category)


async def category_names(
    session: AsyncSession, category_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    rows = await session.execute(
        select(Category.id, Category.name).where(Category.id.in_(category_ids))
    )
    return dict(rows.tuples().all())
