"""The vendor dashboard's body (``/vendors/me/stats``) and how the figures map to it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from agora_contracts.common import Money
from agora_order.service.stats import Figures, Interval, Stats


class FiguresOut(BaseModel):
    currency: str
    orders: int = Field(description="Paid orders with a part from the store")
    units: int = Field(description="Units of the store's products in them")
    gross_sales: Money = Field(description="What buyers paid for the store's parts")
    refunds: Money = Field(description="The store's share of what was refunded of them")
    platform_fees: Money = Field(
        description="The platform's fees on the paid payouts, less their share of refunds"
    )
    net_payouts: Money = Field(
        description="What was transferred to the store, less what refunds took back"
    )
    average_order_value: Money = Field(description="Gross sales per order")


class BucketOut(BaseModel):
    start: datetime = Field(description="The period's first instant (UTC)")
    figures: list[FiguresOut] = Field(description="One entry per currency; none without orders")


class TopProductOut(BaseModel):
    product_id: UUID
    title: str
    units: int
    sales: Money = Field(description="Its lines' amounts at list price, before discounts")


class LowStockOut(BaseModel):
    sku: str
    product_id: UUID
    title: str
    available: int


class VendorStatsOut(BaseModel):
    start: datetime = Field(serialization_alias="from")
    end: datetime = Field(serialization_alias="to")
    interval: Interval
    buckets: list[BucketOut]
    totals: list[FiguresOut] = Field(description="The whole range, one entry per currency")
    top_products: list[TopProductOut] = Field(description="By units sold in the range")
    low_stock: list[LowStockOut] = Field(description="SKUs for sale low on stock now")


def _money(value: int, currency: str) -> Money:
    return Money(amount=value, currency=currency)


def figures_out(figures: Figures) -> FiguresOut:
    currency = figures.currency
    return FiguresOut(
        currency=currency,
        orders=figures.orders,
        units=figures.units,
        gross_sales=_money(figures.gross, currency),
        refunds=_money(figures.refunds, currency),
        platform_fees=_money(figures.fees, currency),
        net_payouts=_money(figures.payouts, currency),
        average_order_value=_money(figures.average_order_value, currency),
    )


def vendor_stats_out(stats: Stats) -> VendorStatsOut:
    return VendorStatsOut(
        start=stats.start,
        end=stats.end,
        interval=stats.interval,
        buckets=[
            BucketOut(start=b.start, figures=[figures_out(f) for f in b.figures])
            for b in stats.buckets
        ],
        totals=[figures_out(f) for f in stats.totals],
        top_products=[
            TopProductOut(
                product_id=p.product_id,
                title=p.title,
                units=p.units,
                sales=_money(p.sales, p.currency),
            )
            for p in stats.top_products
        ],
        low_stock=[
            LowStockOut(sku=s.sku, product_id=s.product_id, title=s.title, available=s.available)
            for s in stats.low_stock
        ],
    )
