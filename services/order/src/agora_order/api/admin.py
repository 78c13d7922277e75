"""Admin: ``/admin/coupons``, to create and list."""

from __future__ import annotations

from fastapi import APIRouter, Response

from agora_kit.app import API_PREFIX, OutboxDep
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_order.api.deps import AdminDep
from agora_order.api.schemas import CouponIn, CouponOut, coupon_out, new_coupon
from agora_order.service import coupons

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post(
    "/coupons",
    summary="Create a coupon",
    status_code=201,
    response_model=CouponOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_coupon(
    body: CouponIn, _: AdminDep, session: SessionDep, outbox: OutboxDep, response: Response
) -> CouponOut:
    """Create a coupon: a `percent` or `fixed` discount, optionally with a minimum
    subtotal, an expiry and a maximum number of uses. Codes are unique (409). Admins
    only."""
    coupon = await coupons.create(session, outbox, new_coupon(body))
    response.headers["Location"] = f"{API_PREFIX}/admin/coupons/{coupon.code}"
    return coupon_out(coupon)


@router.get(
    "/coupons",
    summary="List coupons",
    response_model=Page[CouponOut],
    responses=problem_responses(401, 403, 422),
)
async def list_coupons(_: AdminDep, session: SessionDep, params: PageParamsDep) -> Page[CouponOut]:
    """Every coupon, newest first, with how often it was used; cursor-paginated.
    Admins only."""
    found = await coupons.page(session, params)
    return Page[CouponOut](
        items=[coupon_out(c) for c in found.items], next_cursor=found.next_cursor
    )
