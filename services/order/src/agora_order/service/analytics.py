"""The admin analytics (ADR 0101): one metric of the whole platform per UTC period, from
the order service's own orders (paid, placed, refunded) and carts begun."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.repository import analytics as repo
from agora_order.service.stats import Interval, periods_of

Metric = Literal["gmv", "orders", "aov", "conversion", "new_buyers", "refund_rate"]
Unit = Literal["minor_units", "count", "basis_points"]
UNITS: dict[Metric, Unit] = {
    "gmv": "minor_units",
    "aov": "minor_units",
    "orders": "count",
    "new_buyers": "count",
    "conversion": "basis_points",
    "refund_rate": "basis_points",
}
# Money metrics come per currency; the others are one series for the platform.
PER_CURRENCY: frozenset[Metric] = frozenset({"gmv", "aov", "refund_rate"})
# Ratios: numerator over denominator.
RATIOS: frozenset[Metric] = frozenset({"aov", "conversion", "refund_rate"})


def _half_up(numerator: int, denominator: int) -> int:
    return (numerator * 2 + denominator) // (denominator * 2) if denominator else 0


@dataclass
class Point:
    """A period's (or the range's) figure: ``numerator`` over ``denominator`` for the
    ratios, ``numerator`` alone otherwise."""

    metric: Metric
    numerator: int = 0
    denominator: int = 0

    def add(self, other: Point) -> None:
        self.numerator += other.numerator
        self.denominator += other.denominator

    @property
    def value(self) -> int:
        if self.metric == "aov":
            return _half_up(self.numerator, self.denominator)
        if self.metric in RATIOS:
            return _half_up(self.numerator * 10_000, self.denominator)
        return self.numerator


@dataclass
class Series:
    currency: str | None
    buckets: dict[datetime, Point]
    total: Point

    @classmethod
    def empty(cls, metric: Metric, currency: str | None, periods: Sequence[datetime]) -> Series:
        return cls(currency, {p: Point(metric) for p in periods}, Point(metric))


@dataclass
class Analytics:
    metric: Metric
    start: datetime
    end: datetime
    interval: Interval
    series: list[Series] = field(default_factory=list)

    @property
    def unit(self) -> Unit:
        return UNITS[self.metric]


def _start(row: Row[Any]) -> datetime:
    bucket: datetime = row.bucket
    return bucket.replace(tzinfo=UTC)


async def _points(
    session: AsyncSession, metric: Metric, start: datetime, end: datetime, interval: Interval
) -> list[tuple[datetime, str | None, Point]]:
    """(period, currency or None, figure) for the periods with anything to count."""
    if metric == "new_buyers":
        rows = await repo.new_buyers(session, start, end, interval)
        return [(_start(r), None, Point(metric, int(r.buyers))) for r in rows]
    points: list[tuple[datetime, str | None, Point]] = []
    for row in await repo.paid_orders(session, start, end, interval):
        orders, total, refunded = int(row.orders), int(row.total), int(row.refunded)
        figure = {
            "gmv": Point(metric, total),
            "aov": Point(metric, total, orders),
            "refund_rate": Point(metric, refunded, total),
            "orders": Point(metric, orders),
            "conversion": Point(metric, orders),
        }[metric]
        points.append((_start(row), row.currency if metric in PER_CURRENCY else None, figure))
    if metric == "conversion":
        for row in await repo.carts_started(session, start, end, interval):
            points.append((_start(row), None, Point(metric, 0, int(row.carts))))
    return points


async def measure(
    session: AsyncSession,
    metric: Metric,
    start: datetime,
    end: datetime,
    interval: Interval,
    *,
    currency: str | None = None,
) -> Analytics:
    """``metric`` for each ``interval`` of [start, end) in UTC, every period listed
    (zeros where nothing happened), and over the whole range. Money metrics come per
    currency: each currency with paid orders in the range, or only ``currency``."""
    periods = periods_of(start, end, interval)
    series: dict[str | None, Series] = {}
    if metric not in PER_CURRENCY:
        series[None] = Series.empty(metric, None, periods)
    elif currency is not None:
        series[currency] = Series.empty(metric, currency, periods)
    for period, of, point in await _points(session, metric, start, end, interval):
        if of not in series:
            if currency is not None:
                continue
            series[of] = Series.empty(metric, of, periods)
        series[of].buckets[period].add(point)
        series[of].total.add(point)
    ordered = sorted(series.values(), key=lambda s: s.currency or "")
    return Analytics(metric, start, end, interval, ordered)
