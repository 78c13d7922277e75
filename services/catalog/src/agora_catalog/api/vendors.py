"""Stores: apply, the public store page, the owner's own store, admin decisions."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from agora_catalog.api.deps import AdminDep, ContextDep, PersonDep, ReaderDep
from agora_catalog.api.schemas import (
    ProductPage,
    VendorApply,
    VendorDecision,
    VendorOut,
    VendorPatch,
)
from agora_catalog.service import product_views, vendors
from agora_kit.db import ReadSessionDep, SessionDep
from agora_kit.errors import problem_responses
from agora_kit.idempotency import IdempotencyDep
from agora_kit.pagination import Page, PageParamsDep

router = APIRouter(tags=["vendors"])
# Every /admin route is tagged `admin`, whichever service serves it.
admin = APIRouter(tags=["admin"])


@router.post(
    "/vendors",
    status_code=201,
    response_model=VendorOut,
    summary="Apply to sell: a new store, pending an admin's approval",
    responses=problem_responses(401, 403, 409, 422),
)
async def apply(
    *,
    body: VendorApply,
    response: Response,
    session: SessionDep,
    context: ContextDep,
    actor: PersonDep,
    idempotency: IdempotencyDep,
) -> VendorOut | Response:
    """Apply to sell: creates the caller's store with status `pending`. An admin
    approves it (which grants the `vendor` role) or suspends it. One store per
    account (409)."""
    if idempotency.replay is not None:
        return idempotency.replay
    vendor = await vendors.apply(
        session,
        context.outbox,
        actor,
        name=body.name,
        description=body.description,
        low_stock_threshold=context.settings.low_stock_threshold,
    )
    out = VendorOut.of(vendor, actor)
    location = f"/api/v1/vendors/{vendor.id}"
    response.headers["Location"] = location
    await idempotency.store(201, out, location)
    return out


@router.get(
    "/vendors",
    response_model=Page[VendorOut],
    summary="Approved stores, by name",
    responses=problem_responses(422),
)
async def list_vendors(
    session: ReadSessionDep, actor: ReaderDep, page: PageParamsDep
) -> Page[VendorOut]:
    """Approved stores, by name, cursor-paginated."""
    return VendorOut.page(await vendors.approved(session, page), actor)


@router.get(
    "/vendors/me",
    response_model=VendorOut,
    summary="The caller's own store, whatever its status",
    responses=problem_responses(401, 404),
)
async def my_vendor(session: ReadSessionDep, actor: PersonDep) -> VendorOut:
    """The caller's own store, whatever its status (pending, approved or suspended)."""
    return VendorOut.of(await vendors.own_vendor(session, actor), actor)


@router.get(
    "/vendors/me/products",
    response_model=ProductPage,
    summary="The caller's own products, drafts included, newest first",
    responses=problem_responses(401, 404, 422),
)
async def my_products(
    session: ReadSessionDep,
    actor: PersonDep,
    page: PageParamsDep,
    status: Annotated[Literal["draft", "published", "unpublished"] | None, Query()] = None,
) -> ProductPage:
    """The caller's own products, drafts and unpublished included, newest first,
    cursor-paginated."""
    return ProductPage.of(await product_views.own_products(session, actor, page, status=status))


@router.get(
    "/vendors/{vendor_id}",
    response_model=VendorOut,
    summary="A store's public page",
    responses=problem_responses(404),
)
async def get_vendor(vendor_id: uuid.UUID, session: ReadSessionDep, actor: ReaderDep) -> VendorOut:
    """A store's public page: its name, description and status."""
    return VendorOut.of(await vendors.visible_vendor(session, vendor_id, actor), actor)


@router.patch(
    "/vendors/{vendor_id}",
    response_model=VendorOut,
    summary="Change a store's name, description or low-stock threshold (owner or admin)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def patch_vendor(
    vendor_id: uuid.UUID,
    body: VendorPatch,
    session: SessionDep,
    context: ContextDep,
    actor: PersonDep,
) -> VendorOut:
    """Change a store's name, description or the stock level below which its owner is
    warned. The owner or an admin."""
    vendor = await vendors.update(
        session,
        context.outbox,
        actor,
        vendor_id,
        vendors.VendorChanges(
            name=body.name,
            description=body.description,
            low_stock_threshold=body.low_stock_threshold,
        ),
    )
    return VendorOut.of(vendor, actor)


@admin.get(
    "/admin/vendors",
    response_model=Page[VendorOut],
    summary="Every store, optionally by status (admin): the queue of applications",
    responses=problem_responses(401, 403, 422),
)
async def admin_list_vendors(
    session: ReadSessionDep,
    actor: AdminDep,
    page: PageParamsDep,
    status: Annotated[Literal["pending", "approved", "suspended"] | None, Query()] = None,
) -> Page[VendorOut]:
    """Every store, optionally filtered by status: the queue of applications to decide.
    Admins only."""
    return VendorOut.page(await vendors.every_vendor(session, page, status=status), actor)


@admin.patch(
    "/admin/vendors/{vendor_id}",
    response_model=VendorOut,
    summary="Approve or suspend a store (admin)",
    responses=problem_responses(401, 403, 404, 422),
)
async def decide(
    vendor_id: uuid.UUID,
    body: VendorDecision,
    session: SessionDep,
    context: ContextDep,
    actor: AdminDep,
) -> VendorOut:
    """Approve a store (its owner gets the `vendor` role) or suspend it. Admins only."""
    vendor = await vendors.decide(
        session, context.outbox, vendor_id, body.status, reason=body.reason
    )
    return VendorOut.of(vendor, actor)
