"""A vendor's dashboard (ADR 0098): its store's orders, units, gross sales, refunds,
platform fees and net payouts per period and in total, its best sellers and its SKUs
low on stock, from the order service's own orders and read models."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.errors import Forbidden, Unprocessable
from agora_kit.export import sound_range
from agora_order.models import Sku
from agora_order.repository import stats as stats_repo
from agora_order.repository import vendors as vendor_repo

Interval = Literal["day", "week", "month"]
MAX_BUCKETS = 366
TOP_PRODUCTS = 5
LOW_STOCK_LIMIT = 50


@dataclass
class Figures:
    """One period's (or the whole range's) sums, in minor units of ``currency``."""

    currency: str
    orders: int = 0
    units: int = 0
    gross: int = 0
    refunds: int = 0
    fees: int = 0
    payouts: int = 0

    def add(self, other: Figures) -> None:
        self.orders += other.orders
        self.units += other.units
        self.gross += other.gross
        self.refunds += other.refunds
        self.fees += other.fees
        self.payouts += other.payouts

    @property
    def average_order_value(self) -> int:
        """Gross sales per order, rounded half up (0 without orders)."""
        return (self.gross * 2 + self.orders) // (self.orders * 2) if self.orders else 0


@dataclass
class Bucket:
    start: datetime
    figures: list[Figures] = field(default_factory=list)


@dataclass
class TopProduct:
    product_id: uuid.UUID
    title: str
    units: int
    sales: int
    currency: str


@dataclass
class Stats:
    start: datetime
    end: datetime
    interval: Interval
    buckets: list[Bucket]
    totals: list[Figures]
    top_products: list[TopProduct]
    low_stock: list[Sku]


def period_start(at: datetime, interval: Interval) -> datetime:
    """The UTC day, ISO week (from Monday) or month ``at`` falls in."""
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def next_period(start: datetime, interval: Interval) -> datetime:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods_of(start: datetime, end: datetime, interval: Interval) -> list[datetime]:
    """The first instants of the periods [start, end) touches; Unprocessable for an
    empty range or one of more than ``MAX_BUCKETS`` periods."""
    sound_range(start, end)
    try:
        periods = [period_start(start, interval)]
        while (following := next_period(periods[-1], interval)) < end:
            periods.append(following)
            if len(periods) > MAX_BUCKETS:
                raise Unprocessable(f"The range holds more than {MAX_BUCKETS} {interval}s.")
    except OverflowError:
        # A period of the range would begin or end after the year 9999.
        raise Unprocessable("The range reaches past the calendar's end.") from None
    return periods


def _figures(row: Row[Any]) -> Figures:
    return Figures(
        currency=row.currency,
        orders=int(row.orders),
        units=int(row.units),
        gross=int(row.gross),
        refunds=int(row.refunds),
        fees=int(row.fees),
        payouts=int(row.payouts),
    )


async def of_owner(
    session: AsyncSession,
    user_id: uuid.UUID,
    start: datetime,
    end: datetime,
    interval: Interval,
    *,
    low_stock_at: int,
) -> Stats:
    """The figures of the stores ``user_id`` owns for paid orders placed in
    [start, end); Forbidden when the user owns no store, Unprocessable for a range
    the interval cuts into more than ``MAX_BUCKETS`` periods."""
    periods = periods_of(start, end, interval)
    mine = await vendor_repo.owned_by(session, user_id)
    if not mine:
        raise Forbidden("You have no store.")
    by_start = {period: Bucket(period) for period in periods}
    totals: dict[str, Figures] = {}
    for row in await stats_repo.buckets(session, mine, start, end, interval):
        figures = _figures(row)
        by_start[row.bucket.replace(tzinfo=UTC)].figures.append(figures)
        totals.setdefault(figures.currency, Figures(figures.currency)).add(figures)
    top = [
        TopProduct(r.product_id, r.title, int(r.units), int(r.sales), r.currency)
        for r in await stats_repo.top_products(session, mine, start, end, limit=TOP_PRODUCTS)
    ]
    low = await stats_repo.low_stock(session, mine, at_most=low_stock_at, limit=LOW_STOCK_LIMIT)
    return Stats(
        start, end, interval, list(by_start.values()), list(totals.values()), top, list(low)
    )


async def payout_created(
    session: AsyncSession,
    payout_id: uuid.UUID,
    order_id: uuid.UUID,
    vendor_id: uuid.UUID,
    *,
    fee: int,
    amount: int,
    currency: str,
) -> None:
    await stats_repo.payout_created(
        session, payout_id, order_id, vendor_id, fee=fee, amount=amount, currency=currency
    )


async def payout_reversed(
    session: AsyncSession,
    payout_id: uuid.UUID,
    order_id: uuid.UUID,
    vendor_id: uuid.UUID,
    *,
    total_reversed: int,
    currency: str,
) -> None:
    await stats_repo.payout_reversed(
        session, payout_id, order_id, vendor_id, total_reversed=total_reversed, currency=currency
    )
