"""Categories form a tree. The whole tree is small (hundreds of nodes), so it is read
in one query and walked in memory: for the tree view, for "this category and every
category below it" filters, and for the path a search document carries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Category, Product
from agora_catalog.service.errors import CategoryInUse, CategoryNameTaken, invalid
from agora_catalog.text import slugify
from agora_contracts.catalog import CategoryCreated, CategoryUpdated
from agora_kit.errors import NotFound
from agora_kit.events.outbox import Outbox


@dataclass
class Node:
    id: uuid.UUID
    name: str
    slug: str
    parent_id: uuid.UUID | None
    children: list[Node] = field(default_factory=list)


@dataclass
class Tree:
    nodes: dict[uuid.UUID, Node]
    roots: list[Node]

    def path(self, category_id: uuid.UUID) -> list[Node]:
        """Root first, down to the category itself."""
        path: list[Node] = []
        node = self.nodes.get(category_id)
        seen: set[uuid.UUID] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node)
            node = self.nodes.get(node.parent_id) if node.parent_id else None
        return list(reversed(path))

    def subtree_ids(self, category_id: uuid.UUID) -> list[uuid.UUID]:
        root = self.nodes.get(category_id)
        if root is None:
            return []
        ids, stack = [], [root]
        while stack:
            node = stack.pop()
            ids.append(node.id)
            stack.extend(node.children)
        return ids


async def load_tree(session: AsyncSession) -> Tree:
    rows = (await session.scalars(select(Category).order_by(Category.name, Category.id))).all()
    nodes = {c.id: Node(c.id, c.name, c.slug, c.parent_id) for c in rows}
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent is not None else roots).append(node)
    return Tree(nodes=nodes, roots=roots)


async def get_category(session: AsyncSession, category_id: uuid.UUID) -> Category:
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound("No such category.")
    return category


async def require_category(
    session: AsyncSession, category_id: uuid.UUID, field_name: str = "body.category_id"
) -> Category:
    """A category named in a request body: unknown is the client's mistake (422)."""
    category = await session.get(Category, category_id)
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
    category = await session.get(Category, category_id, with_for_update=True)
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
    category = await session.get(Category, category_id, with_for_update=True)
    if category is None:
        raise NotFound("No such category.")
    has_children = await session.scalar(select(exists().where(Category.parent_id == category_id)))
    has_products = await session.scalar(select(exists().where(Product.category_id == category_id)))
    if has_children or has_products:
        raise CategoryInUse("Move or delete its sub-categories and products first.")
    await session.delete(category)
    await session.flush()


def names(nodes: Iterable[Node]) -> list[str]:
    return [node.name for node in nodes]
