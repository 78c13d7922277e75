"""A vendor's own payouts: ``/vendors/me/payouts``."""

from __future__ import annotations

from fastapi import APIRouter

from agora_kit.auth import principal_user_id
from agora_kit.db import SessionDep
from agora_kit.errors import Forbidden, problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_payment.api.deps import VendorDep
from agora_payment.api.schemas import VendorPayoutOut, vendor_payout_out
from agora_payment.service import vendors

router = APIRouter(prefix="/vendors/me/payouts", tags=["vendors"])


@router.get(
    "",
    summary="Your store's payouts",
    response_model=Page[VendorPayoutOut],
    responses=problem_responses(401, 403, 422),
)
async def list_payouts(
    principal: VendorDep, session: SessionDep, params: PageParamsDep
) -> Page[VendorPayoutOut]:
    """The payouts of the caller's store, newest first, a page at a time (follow
    `next_cursor` to the end): `held` until the parcel is delivered or the hold period
    ends, `paid` once transferred, `reversed` when refunds took all of it back."""
    user = principal_user_id(principal, Forbidden("not a user"))
    page = await vendors.payouts_of_owner(session, user, params)
    return Page[VendorPayoutOut](
        items=[vendor_payout_out(payout, order_id) for payout, order_id in page.items],
        next_cursor=page.next_cursor,
    )
