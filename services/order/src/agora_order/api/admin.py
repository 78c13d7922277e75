"""Admin: ``/admin/coupons``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from agora_kit.app import API_PREFIX
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_order.api.deps import AdminDep
from agora_order.models import Coupon
from agora_order.api.schemas import CouponIn, CouponOut
from agora_order.service import coupons

router = APIRouter(prefix="/admin", tags=["admin"])


def coupon_out(coupon: Coupon) -> CouponOut:
    return CouponOut(
        code=coupon.code,
        kind=coupon.kind,
        value=coupon.value,
        currency=coupon.currency,
        min_subtotal=coupon.min_subtotal_amount,
        expires_at=coupon.expires_at,
        max_uses=coupon.max_uses,
        max_uses_per_user=coupon.max_uses_per_user,
        used=coupon.used,
        funded_by=coupon.funded_by,
    )


@router.post(
    "/coupons",
    status_code=201,
    response_model=CouponOut,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_coupon(
    body: CouponIn, _: AdminDep, session: SessionDep, response: Response
) -> CouponOut:
    coupon = await coupons.create(session, body)
    response.headers["Location"] = f"{API_PREFIX}/admin/coupons/{coupon.code}"
    return coupon_out(coupon)
