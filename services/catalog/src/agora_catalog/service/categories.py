"""Categories form a tree (:mod:`agora_catalog.domain.categories`), changed by admins:
a name is unique among its siblings, a category never moves below itself, and only an
empty one is deleted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.categories import Tree
from agora_catalog.domain.text import slugify
from agora_catalog.models import Category
from agora_catalog.repository import categories as repo
from agora_catalog.repository.categories import load_tree
from agora_catalog.service.errors import CategoryInUse, CategoryNameTaken, invalid
from agora_contracts.catalog import CategoryCreated, CategoryUpdated
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox

# Tree and load_tree are re-exported: the routes read the tree through the service.
__all__ = ["Tree", "create", "delete", "load_tree", "require_category", "update"]


async def require_category(
    session: AsyncSession, category_id: uuid.UUID, field_name: str = "body.category_id"
) -> Category:
    """A category named in a request body: unknown is the client's mistake (422)."""
    category = await repo.get_category(session, category_id)
    if category is None:
        raise invalid(field_name, "no such category")
    return category


def _event(
    category: Category, cls: type[CategoryCreated] | type[CategoryUpdated]
) -> CategoryCreated | CategoryUpdated:
    return cls(
        category_id=category.id,
        name=category.name,
        slug=category.slug,
        parent_id=category.parent_id,
    )


async def create(
    session: AsyncSession, outbox: Outbox, *, name: str, parent_id: uuid.UUID | None
) -> Category:
    if parent_id is not None:
        await require_category(session, parent_id, "body.parent_id")
    category = Category(id=uuid.uuid4(), name=name, slug=slugify(name), parent_id=parent_id)
    session.add(category)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise CategoryNameTaken(f"{name!r} exists at this place in the tree.") from None
    await outbox.add(session, _event(category, CategoryCreated), key=str(category.id))
    return category


async def update(
    session: AsyncSession,
    outbox: Outbox,
    category_id: uuid.UUID,
    *,
    name: str | None,
    parent_id: uuid.UUID | None,
    move: bool,
) -> Category:
    category = await repo.get_category(session, category_id, lock=True)
    if category is None:
        raise NotFound("No such category.")
    if name is not None:
        category.name, category.slug = name, slugify(name)
    if move:
        if parent_id is not None:
            await require_category(session, parent_id, "body.parent_id")
            tree = await load_tree(session)
            if parent_id in tree.subtree_ids(category.id):
                raise invalid("body.parent_id", "a category cannot move below itself")
        category.parent_id = parent_id
    category.updated_at = datetime.now(UTC)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise CategoryNameTaken(f"{category.name!r} exists at this place in the tree.") from None
    await outbox.add(session, _event(category, CategoryUpdated), key=str(category.id))
    return category


async def delete(session: AsyncSession, category_id: uuid.UUID) -> None:
    category = await repo.get_category(session, category_id, lock=True)
    if category is None:
        raise NotFound("No such category.")
    if await repo.has_children(session, category_id) or await repo.has_products(
        session, category_id
    ):
        raise CategoryInUse("Move or delete its sub-categories and products first.")
    await repo.delete_category(session, category)
    await session.flush()
