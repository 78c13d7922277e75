"""The category tree: read by everyone, changed by admins."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from agora_catalog.api.deps import AdminDep, ContextDep, ReaderDep
from agora_catalog.api.schemas import (
    CategoryDetail,
    CategoryIn,
    CategoryNode,
    CategoryOut,
    CategoryPatch,
    CategoryTree,
)
from agora_catalog.service import categories
from agora_kit.db import ReadSessionDep, SessionDep
from agora_kit.errors import NotFound, problem_responses
from agora_kit.idempotency import IdempotencyDep

router = APIRouter(tags=["categories"])


@router.get("/categories", response_model=CategoryTree, summary="The whole category tree")
async def tree(session: ReadSessionDep, _: ReaderDep) -> CategoryTree:
    """Every category from the roots down, each with its children. Open to every caller."""
    the_tree = await categories.load_tree(session)
    return CategoryTree(items=[CategoryNode.of_node(root) for root in the_tree.roots])


@router.get(
    "/categories/{category_id}",
    response_model=CategoryDetail,
    summary="One category, its path from the root and its children",
    responses=problem_responses(404),
)
async def get_category(
    category_id: uuid.UUID, session: ReadSessionDep, _: ReaderDep
) -> CategoryDetail:
    """One category with the categories on its path from the root, for breadcrumbs, and
    its direct children."""
    the_tree = await categories.load_tree(session)
    node = the_tree.nodes.get(category_id)
    if node is None:
        raise NotFound("No such category.")
    return CategoryDetail(
        **CategoryOut.of(node).model_dump(),
        path=[CategoryOut.of(n) for n in the_tree.path(category_id)],
        children=[CategoryOut.of(child) for child in node.children],
    )


@router.post(
    "/categories",
    status_code=201,
    response_model=CategoryOut,
    summary="Add a category (admin)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_category(
    body: CategoryIn,
    response: Response,
    session: SessionDep,
    context: ContextDep,
    _: AdminDep,
    idempotency: IdempotencyDep,
) -> CategoryOut | Response:
    """Add a category at the root or under `parent_id`. Admins only; names are unique
    among siblings."""
    if idempotency.replay is not None:
        return idempotency.replay
    category = await categories.create(
        session, context.outbox, name=body.name, parent_id=body.parent_id
    )
    out = CategoryOut.of(category)
    location = f"/api/v1/categories/{category.id}"
    response.headers["Location"] = location
    await idempotency.store(201, out, location)
    return out


@router.patch(
    "/categories/{category_id}",
    response_model=CategoryOut,
    summary="Rename or move a category (admin)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def patch_category(
    category_id: uuid.UUID,
    body: CategoryPatch,
    session: SessionDep,
    context: ContextDep,
    _: AdminDep,
) -> CategoryOut:
    """Rename a category or move it under another parent. A category cannot move below
    itself (422). Admins only."""
    category = await categories.update(
        session,
        context.outbox,
        category_id,
        name=body.name,
        parent_id=body.parent_id,
        move="parent_id" in body.model_fields_set,
    )
    return CategoryOut.of(category)


@router.delete(
    "/categories/{category_id}",
    status_code=204,
    summary="Delete an empty category (admin)",
    responses=problem_responses(401, 403, 404, 409),
)
async def delete_category(category_id: uuid.UUID, session: SessionDep, _: AdminDep) -> None:
    """Delete a category that holds no products and no subcategories. Admins only; a
    category in use answers 409."""
    await categories.delete(session, category_id)
