"""Tax rates by destination: configured per country or region, the EU's standard VAT
rates shipped as data (``agora_order/data/eu_vat.toml``), and the flat fallback rate
(``tax_rate_bps``) everywhere else.

A rate is *inclusive* (VAT-style: prices already hold the tax, which is shown as the
part of the price it is) or *exclusive* (US-style: added on top). Amounts are integer
minor units, rounded half up once per order (``pricing.rounded_share``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING

from agora_order.service.pricing import rounded_share
from agora_order.service.regions import region_code

if TYPE_CHECKING:
    from collections.abc import Mapping

    from agora_order.settings import Settings


@dataclass(frozen=True, slots=True)
class TaxRule:
    rate_bps: int
    inclusive: bool
    # The table key the rule came from (``DE``, ``US-CA``), None for the fallback.
    source: str | None = None

    def tax_on(self, base: int) -> int:
        """The tax on ``base`` (goods and shipping, after discounts): the part of it
        that is tax when inclusive, what is added to it when exclusive."""
        if self.inclusive:
            return rounded_share(base, self.rate_bps, 10000 + self.rate_bps)
        return rounded_share(base, self.rate_bps, 10000)


@cache
def eu_standard_rates() -> Mapping[str, int]:
    """The shipped table: member state to its standard VAT rate, basis points."""
    text = resources.files("agora_order.data").joinpath("eu_vat.toml").read_text("utf-8")
    return MappingProxyType({str(k): int(v) for k, v in tomllib.loads(text)["rates"].items()})


def rule_for(settings: Settings, country: str | None, region: str | None = None) -> TaxRule:
    """The rule for a destination: a configured region (``US-CA``; the address may
    name it by code or by name, ``California``), a configured country, the shipped EU
    rate (inclusive) when on, else the fallback (exclusive)."""
    if country:
        code = region_code(country, region) if region else None
        keys = [code] if code else []
        for key in [*keys, country]:
            configured = settings.tax_rates.get(key)
            if configured is not None:
                return TaxRule(configured.rate_bps, configured.inclusive, key)
        if settings.eu_vat and country in eu_standard_rates():
            return TaxRule(eu_standard_rates()[country], inclusive=True, source=country)
    return TaxRule(settings.tax_rate_bps, inclusive=False)
