"""Totals in integer minor units: subtotal, discount, shipping and tax.

Rounding is half up on whole minor units and happens once per amount, so the parts
always add up: ``total = subtotal - discount + shipping + tax``, where an inclusive
(VAT-style) tax is already inside the prices and so not added again.
"""

from __future__ import annotations

from dataclasses import dataclass

PERCENT = "percent"
FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal: int
    discount: int
    shipping: int
    tax: int
    tax_included: bool = False

    @property
    def total(self) -> int:
        added = 0 if self.tax_included else self.tax
        return self.subtotal - self.discount + self.shipping + added


def rounded_share(amount: int, numerator: int, denominator: int) -> int:
    """``amount * numerator / denominator``, rounded half up, in integers."""
    return (amount * numerator * 2 + denominator) // (denominator * 2)


def discount_for(subtotal: int, kind: str, value: int) -> int:
    """A percent coupon's ``value`` is whole percent; a fixed one's is minor units.
    Never more than the subtotal."""
    if kind == PERCENT:
        return min(subtotal, rounded_share(subtotal, min(value, 100), 100))
    return min(subtotal, value)


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Split ``amount`` pro rata to ``weights`` in whole minor units: each share
    rounded down, what rounding left over to the largest weight (the first of equals),
    so the shares always add up to ``amount``."""
    whole = sum(weights)
    if not weights or whole <= 0:
        return [0] * len(weights)
    shares = [amount * weight // whole for weight in weights]
    largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    shares[largest] += amount - sum(shares)
    return shares
