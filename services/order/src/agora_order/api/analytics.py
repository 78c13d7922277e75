"""Admin: ``/admin/analytics`` (the platform's figures by period) and ``/admin/orders``
(every order of a range, a page at a time or as CSV), ADR 0101."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import StreamingResponse

from agora_kit.db import DatabaseDep, SessionDep
from agora_kit.errors import problem_responses
from agora_kit.export import CSV_RESPONSE, FormatQuery, From, To, range_export
from agora_kit.pagination import Page, PageParamsDep
from agora_order.api.deps import AdminDep
from agora_order.api.stats import IntervalQuery
from agora_order.repository import analytics as repo
from agora_order.service import analytics
from agora_order.service.analytics import Analytics, Metric, Point, Unit
from agora_order.service.stats import Interval

router = APIRouter(prefix="/admin", tags=["admin"])


class AnalyticsPointOut(BaseModel):
    value: int = Field(
        description="In the metric's unit: minor units, a count, or basis points (1/100 %)"
    )
    numerator: int = Field(description="What the value is of: GMV, orders, refunds, buyers")
    denominator: int = Field(description="For ratios (aov, conversion, refund_rate); else 0")


class AnalyticsBucketOut(AnalyticsPointOut):
    start: datetime = Field(description="The period's first instant (UTC)")


class AnalyticsSeriesOut(BaseModel):
    currency: str | None = Field(description="For money metrics; null for the others")
    buckets: list[AnalyticsBucketOut] = Field(
        description="Every period of the range, zeros included"
    )
    total: AnalyticsPointOut = Field(description="The whole range")


class AnalyticsOut(BaseModel):
    metric: Metric
    unit: Unit
    start: datetime = Field(serialization_alias="from")
    end: datetime = Field(serialization_alias="to")
    interval: Interval
    series: list[AnalyticsSeriesOut] = Field(
        description="One per currency for gmv, aov and refund_rate; one otherwise"
    )


def _point(point: Point) -> dict[str, int]:
    return {"value": point.value, "numerator": point.numerator, "denominator": point.denominator}


def analytics_out(figures: Analytics) -> AnalyticsOut:
    return AnalyticsOut(
        metric=figures.metric,
        unit=figures.unit,
        start=figures.start,
        end=figures.end,
        interval=figures.interval,
        series=[
            AnalyticsSeriesOut(
                currency=s.currency,
                buckets=[AnalyticsBucketOut(start=at, **_point(p)) for at, p in s.buckets.items()],
                total=AnalyticsPointOut(**_point(s.total)),
            )
            for s in figures.series
        ],
    )


@router.get(
    "/analytics",
    summary="The platform's figures by period",
    response_model=AnalyticsOut,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 422),
)
async def admin_analytics(
    *,
    _: AdminDep,
    session: SessionDep,
    metric: Annotated[Metric, Query(description="What to measure")],
    start: From,
    end: To,
    interval: IntervalQuery = "day",
    currency: Annotated[
        str | None,
        Query(pattern="^[A-Z]{3}$", description="Only this currency (money metrics)"),
    ] = None,
) -> AnalyticsOut:
    """One metric per period of the range (orders by when they were placed, in UTC):
    `gmv`, the totals of paid orders; `orders`, how many were paid; `aov`, GMV per paid
    order; `refund_rate`, what was refunded of them over their GMV; `new_buyers`, buyers
    whose first paid order it was; `conversion`, paid orders over carts begun. Admins
    only."""
    return analytics_out(
        await analytics.measure(session, metric, start, end, interval, currency=currency)
    )


# An order of the export: its fields are the CSV's header, in the order of the columns
# ``repo.orders_placed`` selects.
class OrderRowOut(BaseModel):
    order_id: UUID
    number: str
    placed_at: datetime
    buyer_id: UUID
    status: str
    paid: bool
    currency: str
    subtotal_amount: int
    discount_amount: int
    shipping_amount: int
    tax_amount: int
    total_amount: int
    refunded_amount: int
    coupon_code: str | None


@router.get(
    "/orders",
    summary="Every order of a range, or its CSV",
    response_model=Page[OrderRowOut],
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 422)},
)
async def admin_orders(
    request: Request,
    *,
    _: AdminDep,
    database: DatabaseDep,
    params: PageParamsDep,
    start: From,
    end: To,
    format_: FormatQuery = None,
) -> Page[OrderRowOut] | StreamingResponse:
    """The orders placed in the range, paid or not, oldest first: a page at a time, or
    with `format=csv` (or `Accept: text/csv`) all of them as one CSV download, amounts
    in minor units beside the currency. Admins only."""
    return await range_export(
        request,
        database,
        kind="orders",
        row=OrderRowOut,
        statement=repo.orders_placed(start, end),
        key=repo.EXPORT_KEY,
        start=start,
        end=end,
        format_=format_,
        params=params,
    )
