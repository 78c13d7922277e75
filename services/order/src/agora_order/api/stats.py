"""A vendor's dashboard: ``/vendors/me/stats``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from agora_kit.auth import ROLE_VENDOR, Principal, require_roles
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.export import From, To
from agora_order.api.deps import user_of
from agora_order.api.stats_schemas import VendorStatsOut, vendor_stats_out
from agora_order.service import stats
from agora_order.service.stats import Interval

router = APIRouter(prefix="/vendors/me/stats", tags=["vendors"])
VendorDep = Annotated[Principal, Depends(require_roles(ROLE_VENDOR))]
IntervalQuery = Annotated[Interval, Query(description="Length of a period (UTC)")]


@router.get(
    "",
    summary="Your store's figures",
    response_model=VendorStatsOut,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 422),
)
async def vendor_stats(
    *,
    principal: VendorDep,
    session: SessionDep,
    start: From,
    end: To,
    interval: IntervalQuery = "day",
    low_stock: Annotated[
        int, Query(ge=0, le=1_000_000, description="SKUs with at most this many available")
    ] = 5,
) -> VendorStatsOut:
    """The caller's store in periods of the range and in total: paid orders placed in
    it, units, gross sales, refunds, platform fees, net payouts and average order
    value; its products by units sold in the range; and its SKUs low on stock now."""
    user = user_of(principal)
    figures = await stats.of_owner(
        session,
        user,
        start,
        end,
        interval,
        low_stock_at=low_stock,
    )
    return vendor_stats_out(figures)
