"""What a cart costs, store by store, delivered to one destination (ADR 0113): the
cart shows it and checkout charges it, from the same function.

- **Discount**: the order's discount shared across the stores pro rata to their
  subtotals (``pricing.allocate``, ADR 0045).
- **Shipping**: a store with shipping zones charges by its zone for the destination
  and the cart's currency (none: it does not ship there, and checkout is refused); the
  stores with no zones share one charge of the default rule (flat per order, free from
  a threshold of their discounted subtotal), as before zones existed, split pro rata to
  their subtotals.
- **Tax**: one rule for the destination (``tax.rule_for``) on everything after
  discounts (goods and shipping), rounded half up once per order, then split across
  each store's goods and shipping pro rata.
- **Payable**: what the buyer paid for a store's part that the store is owed (its
  *collected share*, ``PaymentRequested.vendor_amounts``): its discounted goods, plus
  the shipping of its own zone (the default rule's shipping stays with the platform, as
  before), less the tax included in them; never below 0. Each store's payable is at
  most its discounted goods plus its shipping, so together they never exceed the
  order's total: payouts never exceed what was collected.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agora_order.service.pricing import Totals, allocate
from agora_order.service.shipping import Zone, matching
from agora_order.service.tax import TaxRule


@dataclass(frozen=True, slots=True)
class Part:
    """One store's goods in the cart: list-price subtotal and weight in grams."""

    vendor_id: uuid.UUID
    subtotal: int
    weight: int = 0


@dataclass(frozen=True, slots=True)
class DefaultRule:
    flat: int
    free_over: int


@dataclass(frozen=True, slots=True)
class VendorQuote:
    vendor_id: uuid.UUID
    subtotal: int
    discount: int
    shipping: int
    tax: int
    payable: int
    # The store's own zone charged (None: the default rule, or none matched).
    zone: Zone | None
    # True when the store ships to the destination; False when its zones do not cover
    # it; None when no destination was given and the store's zones decide.
    ships: bool | None


@dataclass(frozen=True, slots=True)
class Quote:
    vendors: list[VendorQuote]
    totals: Totals
    tax: TaxRule

    @property
    def unshipped(self) -> list[uuid.UUID]:
        """The stores that cannot ship this cart to the destination."""
        return [one.vendor_id for one in self.vendors if one.ships is False]


def _own_shipping(
    zones: Sequence[Zone], goods: int, weight: int, country: str | None, currency: str
) -> tuple[int, Zone | None, bool | None]:
    if country is None:
        return 0, None, None
    zone = matching(zones, country, currency)
    charge = zone.charge(goods, weight) if zone is not None else None
    if zone is None or charge is None:
        return 0, None, False
    return charge, zone, True


def quote(
    parts: Sequence[Part],
    *,
    discount: int = 0,
    zones: Mapping[uuid.UUID, Sequence[Zone]],
    country: str | None,
    currency: str,
    default: DefaultRule,
    tax: TaxRule,
) -> Quote:
    subtotals = [part.subtotal for part in parts]
    discounts = allocate(discount, subtotals)
    goods = [s - d for s, d in zip(subtotals, discounts, strict=True)]
    shipping = [0] * len(parts)
    chosen: list[Zone | None] = [None] * len(parts)
    ships: list[bool | None] = [True] * len(parts)
    by_default: list[int] = []
    for i, part in enumerate(parts):
        own = zones.get(part.vendor_id, ())
        if own:
            shipping[i], chosen[i], ships[i] = _own_shipping(
                own, goods[i], part.weight, country, currency
            )
        else:
            by_default.append(i)
    default_goods = sum(goods[i] for i in by_default)
    fee = default.flat
    if sum(subtotals[i] for i in by_default) == 0 or (
        default.free_over and default_goods >= default.free_over
    ):
        fee = 0
    for i, share in zip(by_default, allocate(fee, [subtotals[i] for i in by_default]), strict=True):
        shipping[i] = share
    tax_total = tax.tax_on(sum(goods) + sum(shipping))
    split = allocate(tax_total, [x for pair in zip(goods, shipping, strict=True) for x in pair])
    vendors: list[VendorQuote] = []
    for i, part in enumerate(parts):
        goods_tax, shipping_tax = split[2 * i], split[2 * i + 1]
        own_zone = chosen[i] is not None
        payable = goods[i] + (shipping[i] if own_zone else 0)
        if tax.inclusive:
            payable -= goods_tax + (shipping_tax if own_zone else 0)
        vendors.append(
            VendorQuote(
                vendor_id=part.vendor_id,
                subtotal=part.subtotal,
                discount=discounts[i],
                shipping=shipping[i],
                tax=goods_tax + shipping_tax,
                payable=max(payable, 0),
                zone=chosen[i],
                ships=ships[i],
            )
        )
    totals = Totals(
        subtotal=sum(subtotals),
        discount=sum(discounts),
        shipping=sum(shipping),
        tax=tax_total,
        tax_included=tax.inclusive,
    )
    return Quote(vendors=vendors, totals=totals, tax=tax)
