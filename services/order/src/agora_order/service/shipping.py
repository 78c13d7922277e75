"""Shipping rates (ADR 0113): a store's zone charges a flat amount, or an amount from
bands of the parcel's weight or of its goods' value, free from an optional threshold.

Pure rules: the zones' rows become :class:`Zone` values in ``service/zones.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

RateKind = Literal["flat", "weight", "subtotal"]
FLAT: RateKind = "flat"
WEIGHT: RateKind = "weight"
SUBTOTAL: RateKind = "subtotal"
RATE_KINDS: tuple[RateKind, ...] = (FLAT, WEIGHT, SUBTOTAL)
# The variant attribute holding a SKU's shipping weight in whole grams.
WEIGHT_ATTRIBUTE = "weight_g"


@dataclass(frozen=True, slots=True)
class Band:
    """Up to ``up_to`` (grams, or minor units of goods; inclusive; None: no limit)
    costs ``amount``."""

    up_to: int | None
    amount: int


@dataclass(frozen=True, slots=True)
class Zone:
    id: uuid.UUID
    vendor_id: uuid.UUID
    name: str
    currency: str
    countries: frozenset[str]
    kind: RateKind
    amount: int
    bands: tuple[Band, ...] = ()
    free_over: int | None = None

    def charge(self, goods: int, weight: int) -> int | None:
        """What shipping ``goods`` (minor units, after discounts) weighing ``weight``
        grams costs; None when no band covers the parcel (too heavy or too dear)."""
        if self.free_over is not None and goods >= self.free_over:
            return 0
        if self.kind == FLAT:
            return self.amount
        measure = weight if self.kind == WEIGHT else goods
        for band in self.bands:
            if band.up_to is None or measure <= band.up_to:
                return band.amount
        return None


def bands_problem(kind: RateKind, amount: int | None, bands: Sequence[Band]) -> str | None:
    """Why a rate is not well formed, or None: a flat rate has an amount and no bands;
    a banded one has bands with rising limits, only the last one open."""
    limits = [band.up_to for band in bands]
    bounded = [limit for limit in limits if limit is not None]
    checks = (
        [
            (amount is None, "a flat rate needs its amount"),
            (bool(bands), "a flat rate has no bands"),
        ]
        if kind == FLAT
        else [
            (amount is not None, f"a {kind} rate charges by its bands, not one amount"),
            (not bands, f"a {kind} rate needs at least one band"),
            (None in limits[:-1], "only the last band may have no upper limit"),
            (any(b <= a for a, b in pairwise(bounded)), "band limits must rise"),
        ]
    )
    return next((problem for failed, problem in checks if failed), None)


def matching(zones: Sequence[Zone], country: str, currency: str) -> Zone | None:
    """The store's zone for a destination and the cart's currency, if it has one."""
    for zone in zones:
        if country in zone.countries and zone.currency == currency:
            return zone
    return None


def weight_of(attributes: dict[str, object]) -> int:
    """A SKU's weight in grams from its ``weight_g`` attribute; 0 when absent or not
    a whole number."""
    value = str(attributes.get(WEIGHT_ATTRIBUTE, "")).strip()
    return int(value) if value.isdigit() else 0
