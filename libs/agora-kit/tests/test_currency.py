"""Exchange rates and conversions in minor units (ADR 0118)."""

from __future__ import annotations

import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from agora_kit.currency import (
    FileRates,
    Rates,
    RatesFileError,
    UnknownCurrency,
    convert,
    exponent,
    shown_in,
)

DAY = datetime.date(2026, 10, 30)


def table(**rates: str) -> Rates:
    return Rates("EUR", DAY, {code: Decimal(rate) for code, rate in rates.items()})


def test_exponents_are_iso_4217s() -> None:
    assert [exponent(c) for c in ("JPY", "EUR", "USD", "BHD", "KWD", "CLF")] == [0, 2, 2, 3, 3, 4]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(5, 2), (15, 8), (25, 12), (35, 18), (7, 4), (3, 2)],
)
def test_halves_round_to_even(amount: int, expected: int) -> None:
    # Half a unit each: 0.05 EUR at 0.5 is 2.5 cents -> 2, 7.5 -> 8, 12.5 -> 12,
    # 17.5 -> 18; and what is not a half rounds to the nearest (3.5 -> 4, 1.5 -> 2).
    rates = table(GBP="0.5")
    assert convert(rates, amount, "EUR", "GBP").amount == expected


def test_exponent_changes_eur_to_jpy_and_jpy_to_bhd() -> None:
    rates = table(JPY="175.68", BHD="0.4201")
    # 19.99 EUR is 3511.8432 JPY: whole yen.
    euro_to_yen = convert(rates, 1999, "EUR", "JPY")
    assert (euro_to_yen.amount, euro_to_yen.currency) == (3512, "JPY")
    # 1000 JPY through the euro: 1000 / 175.68 * 0.4201 = 2.391279... BHD, in fils.
    yen_to_dinar = convert(rates, 1000, "JPY", "BHD")
    assert yen_to_dinar.amount == 2391
    assert yen_to_dinar.rate == Decimal("0.002391279599")
    assert yen_to_dinar.rates_date == DAY


def test_cross_rate_half_rounds_to_even_exactly() -> None:
    # Through the base, 1 GBP is 2 / 4 = 0.5 USD: 1 penny is half a cent -> 0, 3 pence
    # 1.5 cents -> 2, 5 pence 2.5 cents -> 2; the ties are exact, not a float's neighbours.
    rates = table(USD="2", GBP="4")
    assert convert(rates, 1, "GBP", "USD").amount == 0
    assert convert(rates, 3, "GBP", "USD").amount == 2
    assert convert(rates, 5, "GBP", "USD").amount == 2


def test_same_currency_is_unchanged() -> None:
    converted = convert(table(USD="1.1"), 1234, "USD", "USD")
    assert (converted.amount, converted.rate) == (1234, Decimal(1))


def test_an_unknown_currency_is_a_clear_error() -> None:
    rates = table(USD="1.1")
    with pytest.raises(UnknownCurrency) as not_iso:
        shown_in(rates, "ABC")
    assert "ABC is not an ISO 4217 currency" in str(not_iso.value)
    with pytest.raises(UnknownCurrency) as no_rate:
        shown_in(rates, "jpy")
    assert "No exchange rate for JPY" in str(no_rate.value)
    assert no_rate.value.status == 422
    assert no_rate.value.slug == "unknown-currency"


def test_a_price_in_a_currency_without_a_rate_is_shown_as_it_is() -> None:
    shown = shown_in(table(USD="1.1"), "usd")
    assert shown is not None
    assert shown.currency == "USD"
    assert shown.money(1000, "CHF") is None
    money = shown.money(1000, "EUR")
    assert money is not None
    assert (money.amount, money.rate) == (1100, "1.1")


def test_the_shipped_table_has_its_date() -> None:
    rates = FileRates().current()
    assert rates.base == "EUR"
    assert rates.date == datetime.date(2026, 10, 30)
    assert rates.per_base["USD"] == Decimal("1.1172")


def test_the_ecbs_daily_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "eurofxref.csv"
    path.write_text("Date, USD, JPY, \n04 December 2026, 1.1645, 180.84, \n")
    rates = FileRates(path).current()
    assert (rates.base, rates.date, rates.per_base) == (
        "EUR",
        datetime.date(2026, 12, 4),
        {"USD": Decimal("1.1645"), "JPY": Decimal("180.84")},
    )


def test_a_changed_file_is_read_again_and_a_broken_one_keeps_the_last(tmp_path: Path) -> None:
    path = tmp_path / "rates.json"
    path.write_text(json.dumps({"base": "USD", "date": "2026-12-01", "rates": {"EUR": "0.9"}}))
    provider = FileRates(path)
    assert provider.current().per_base["EUR"] == Decimal("0.9")
    path.write_text(json.dumps({"base": "USD", "date": "2026-12-02", "rates": {"EUR": "0.95"}}))
    os.utime(path, ns=(1, 1))
    assert provider.current().date == datetime.date(2026, 12, 2)
    path.write_text("{not json")
    os.utime(path, ns=(2, 2))
    assert provider.current().per_base["EUR"] == Decimal("0.95")


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        '{"base": "EUR", "date": "2026-12-01", "rates": {"USD": "-1"}}',
        '{"base": "EUR", "date": "2026-12-01", "rates": {"QQQ": "1"}}',
        '{"base": "EUR", "date": "yesterday", "rates": {}}',
    ],
)
def test_a_file_that_is_no_table_is_refused_at_start(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rates.json"
    path.write_text(text)
    with pytest.raises(RatesFileError):
        FileRates(path)


def test_a_missing_file_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(RatesFileError, match="cannot read the rates file"):
        FileRates(tmp_path / "nowhere.json")
