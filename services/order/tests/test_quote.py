"""Shipping zones, bands, free-over thresholds and tax by destination, as the cart and
checkout price them (ADR 0113): pure rules, no database."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agora_order.service import quote, tax
from agora_order.service.shipping import Band, Zone, bands_problem, matching, weight_of
from agora_order.settings import Settings, TaxRate

SHOP_A, SHOP_B = uuid.uuid4(), uuid.uuid4()
DEFAULT = quote.DefaultRule(flat=499, free_over=5000)
NO_TAX = tax.TaxRule(0, inclusive=False)


def zone(vendor: uuid.UUID = SHOP_A, **fields: object) -> Zone:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "vendor_id": vendor,
        "name": "Europe",
        "currency": "EUR",
        "countries": frozenset({"DE", "AT"}),
        "kind": "flat",
        "amount": 700,
    }
    values.update(fields)
    return Zone(**values)  # type: ignore[arg-type]


def test_a_zone_matches_its_countries_in_its_currency_only() -> None:
    europe = zone()
    assert matching([europe], "DE", "EUR") is europe
    assert matching([europe], "FR", "EUR") is None
    assert matching([europe], "DE", "USD") is None


def test_weight_bands_charge_by_the_first_band_that_holds_the_parcel() -> None:
    bands = (Band(1000, 300), Band(5000, 800), Band(None, 1500))
    parcel = zone(kind="weight", amount=0, bands=bands)
    assert [parcel.charge(2000, grams) for grams in (0, 1000, 1001, 5000, 90000)] == [
        300,
        300,
        800,
        800,
        1500,
    ]
    capped = zone(kind="weight", amount=0, bands=(Band(1000, 300),))
    assert capped.charge(2000, 1001) is None  # too heavy: the store does not ship it


def test_subtotal_bands_and_the_free_over_threshold() -> None:
    dear = zone(kind="subtotal", amount=0, bands=(Band(2000, 900), Band(None, 500)), free_over=8000)
    assert dear.charge(1999, 0) == 900
    assert dear.charge(2001, 0) == 500
    assert dear.charge(7999, 0) == 500
    assert dear.charge(8000, 0) == 0


@pytest.mark.parametrize(
    ("kind", "amount", "bands", "problem"),
    [
        ("flat", None, [], "a flat rate needs its amount"),
        ("flat", 100, [Band(None, 1)], "a flat rate has no bands"),
        ("weight", 100, [Band(None, 1)], "a weight rate charges by its bands, not one amount"),
        ("subtotal", None, [], "a subtotal rate needs at least one band"),
        (
            "weight",
            None,
            [Band(None, 1), Band(10, 2)],
            "only the last band may have no upper limit",
        ),
        ("weight", None, [Band(10, 1), Band(10, 2)], "band limits must rise"),
        ("weight", None, [Band(10, 1), Band(20, 2), Band(None, 3)], None),
    ],
)
def test_rates_are_checked_for_form(
    kind: str, amount: int | None, bands: list[Band], problem: str | None
) -> None:
    assert bands_problem(kind, amount, bands) == problem  # type: ignore[arg-type]


def test_weight_comes_from_the_weight_g_attribute() -> None:
    assert weight_of({"weight_g": "350"}) == 350
    assert weight_of({"weight_g": "0.5 kg"}) == 0
    assert weight_of({}) == 0


def test_exclusive_tax_is_added_and_inclusive_tax_is_the_part_of_the_price() -> None:
    parts = [quote.Part(SHOP_A, 10000)]
    added = quote.quote(
        parts,
        zones={},
        country="US",
        currency="USD",
        default=DEFAULT,
        tax=tax.TaxRule(725, inclusive=False),
    )
    assert (added.totals.shipping, added.totals.tax, added.totals.total) == (0, 725, 10725)
    included = quote.quote(
        parts,
        zones={},
        country="DE",
        currency="EUR",
        default=DEFAULT,
        tax=tax.TaxRule(1900, inclusive=True),
    )
    # 10000 * 19 / 119 = 1596.6..., half up; the buyer pays the price as shown.
    assert (included.totals.tax, included.totals.total) == (1597, 10000)
    assert included.totals.tax_included
    assert included.vendors[0].payable == 10000 - 1597


def test_tax_rule_for_a_destination() -> None:
    config = Settings(
        eu_vat=True,
        tax_rate_bps=300,
        tax_rates={
            "US-CA": TaxRate(rate_bps=725),
            "US": TaxRate(rate_bps=0),
            "FR": TaxRate(rate_bps=550, inclusive=True),
        },
    )
    assert tax.rule_for(config, "US", "ca") == tax.TaxRule(725, False, "US-CA")
    assert tax.rule_for(config, "US", "California") == tax.TaxRule(725, False, "US-CA")
    assert tax.rule_for(config, "US", "US-CA") == tax.TaxRule(725, False, "US-CA")
    assert tax.rule_for(config, "US", "NY") == tax.TaxRule(0, False, "US")
    assert tax.rule_for(config, "FR") == tax.TaxRule(550, True, "FR")  # configured wins
    assert tax.rule_for(config, "DE") == tax.TaxRule(1900, True, "DE")  # shipped EU table
    assert tax.rule_for(config, "JP") == tax.TaxRule(300, False, None)  # the fallback
    assert tax.rule_for(config, None) == tax.TaxRule(300, False, None)
    off = Settings(eu_vat=False)
    assert tax.rule_for(off, "DE") == tax.TaxRule(0, False, None)


def test_the_shipped_eu_table_has_every_member_state() -> None:
    rates = tax.eu_standard_rates()
    assert len(rates) == 27
    assert (rates["DE"], rates["HU"], rates["FI"]) == (1900, 2700, 2550)


def test_settings_refuse_an_unknown_place() -> None:
    with pytest.raises(ValueError, match="'XX' is neither"):
        Settings(tax_rates={"XX": TaxRate(rate_bps=100)})


def test_two_stores_priced_for_two_countries() -> None:
    """Shop A ships in its own zones (Europe by weight, the US flat); shop B has no
    zones and ships everywhere by the default rule."""
    europe = zone(
        SHOP_A,
        currency="USD",
        kind="weight",
        amount=0,
        bands=(Band(1000, 600), Band(None, 1200)),
    )
    states = zone(SHOP_A, name="US", currency="USD", countries=frozenset({"US"}), amount=350)
    zones = {SHOP_A: [europe, states]}
    parts = [quote.Part(SHOP_A, 3000, weight=1500), quote.Part(SHOP_B, 2000)]

    to_de = quote.quote(
        parts,
        zones=zones,
        country="DE",
        currency="USD",
        default=DEFAULT,
        tax=tax.TaxRule(1900, True),
    )
    a, b = to_de.vendors
    assert (a.shipping, a.zone, a.ships) == (1200, europe, True)
    assert (b.shipping, b.zone, b.ships) == (499, None, True)
    # Inclusive: 19/119 of 3000 + 1200 + 2000 + 499 = 6699 is 1069.6..., 1070.
    assert to_de.totals.tax == 1070
    assert a.tax + b.tax == 1070
    assert to_de.totals.total == 6699
    # Shop A is owed its goods and its own shipping net of their VAT; B its goods net
    # of theirs (the default rule's shipping stays with the platform).
    assert a.payable == 4200 - a.tax
    assert b.payable < 2000

    to_us = quote.quote(
        parts,
        zones=zones,
        country="US",
        currency="USD",
        default=DEFAULT,
        tax=tax.TaxRule(725, False),
    )
    a, b = to_us.vendors
    assert (a.shipping, a.zone, b.shipping) == (350, states, 499)
    assert to_us.totals.tax == 424  # 7.25% of 5849 is 424.05
    assert to_us.totals.total == 5849 + 424
    assert (a.payable, b.payable) == (3350, 2000)

    to_jp = quote.quote(
        parts, zones=zones, country="JP", currency="USD", default=DEFAULT, tax=NO_TAX
    )
    assert to_jp.unshipped == [SHOP_A]
    nowhere = quote.quote(
        parts, zones=zones, country=None, currency="USD", default=DEFAULT, tax=NO_TAX
    )
    assert [one.ships for one in nowhere.vendors] == [None, True]


def test_stores_without_zones_share_one_default_charge() -> None:
    parts = [quote.Part(SHOP_A, 3000), quote.Part(SHOP_B, 1000)]
    shared = quote.quote(parts, zones={}, country="GB", currency="USD", default=DEFAULT, tax=NO_TAX)
    assert [one.shipping for one in shared.vendors] == [375, 124]
    assert shared.totals.shipping == 499
    free = quote.quote(
        parts,
        discount=0,
        zones={},
        country="GB",
        currency="USD",
        default=quote.DefaultRule(flat=499, free_over=4000),
        tax=NO_TAX,
    )
    assert free.totals.shipping == 0


@settings(max_examples=200, deadline=None)
@given(
    subtotals=st.lists(st.integers(0, 100_000), min_size=1, max_size=4),
    own=st.lists(st.booleans(), min_size=4, max_size=4),
    discount_share=st.integers(0, 100),
    rule=st.builds(tax.TaxRule, st.integers(0, 10_000), st.booleans()),
    flat=st.integers(0, 5_000),
)
def test_stores_are_never_owed_more_than_the_buyer_paid(
    subtotals: list[int],
    own: list[bool],
    discount_share: int,
    rule: tax.TaxRule,
    flat: int,
) -> None:
    vendors = [uuid.uuid4() for _ in subtotals]
    parts = [quote.Part(v, s, weight=s % 3000) for v, s in zip(vendors, subtotals, strict=True)]
    zones = {
        v: [zone(v, currency="USD", countries=frozenset({"DE"}), amount=flat)]
        for v, mine in zip(vendors, own, strict=False)
        if mine
    }
    discount = sum(subtotals) * discount_share // 100
    cost = quote.quote(
        parts,
        discount=discount,
        zones=zones,
        country="DE",
        currency="USD",
        default=DEFAULT,
        tax=rule,
    )
    totals = cost.totals
    assert totals.total >= 0
    assert sum(one.payable for one in cost.vendors) <= totals.total
    assert all(one.payable >= 0 for one in cost.vendors)
    # A store that does not ship there charges no shipping; shipping is never negative.
    assert all(one.shipping == 0 for one in cost.vendors if one.ships is False)
    assert all(one.shipping >= 0 for one in cost.vendors)
    assert sum(one.tax for one in cost.vendors) == totals.tax
    assert sum(one.discount for one in cost.vendors) == discount
    if not rule.inclusive:
        # The platform keeps the whole tax it collects on top.
        assert sum(one.payable for one in cost.vendors) <= totals.total - totals.tax
