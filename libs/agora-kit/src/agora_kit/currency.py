"""Prices shown in another currency (ADR 0118): a table of exchange rates and the
conversion of an amount in minor units.

Orders are charged in the product's own currency; a conversion is only for showing.
A :class:`Rates` table holds how many units of each currency one unit of its base
buys, on one date (the European Central Bank's daily reference rates are such a table,
with the euro as base). Conversions between two other currencies go through the base.
An amount is converted in minor units with each currency's ISO 4217 exponent (JPY 0,
EUR 2, BHD 3; from ``iso4217``) and rounded half to even, once.

Rates come from a :class:`RatesProvider`. The one Agora has reads a file
(:class:`FileRates`: ``AGORA_CURRENCY_RATES_FILE``, else the table shipped in
``agora_kit/data/rates.json``) and reads it again when it changes, so a daily job that
replaces the file changes the rates without a restart. A live provider can be plugged
in behind the same protocol; no test calls one.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Protocol

import iso4217
from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from agora_kit.errors import InvalidParam, Unprocessable

logger = logging.getLogger("agora.currency")

# Enough digits that an amount times a rate is exact before the one rounding.
_EXACT = Context(prec=60)
# The rate shown beside a converted amount (the amount uses the table's full rates).
_SHOWN_RATE_DIGITS = 10


class UnknownCurrency(Unprocessable):
    slug = "unknown-currency"
    title = "No exchange rate for this currency"


class RatesFileError(ValueError):
    """A rates file that cannot be read as a table of rates."""


def exponent(code: str) -> int:
    """Digits after the decimal point of ``code``'s minor unit (ISO 4217)."""
    try:
        digits = iso4217.Currency(code).exponent
    except ValueError:
        digits = None
    if digits is None:  # not a currency, or one without minor units (gold, XXX)
        raise UnknownCurrency(
            f"{code} is not an ISO 4217 currency with minor units",
            errors=[InvalidParam(name="query.currency", reason=f"unknown currency {code}")],
        )
    return digits


@dataclass(frozen=True)
class Rates:
    """Units of each currency that one unit of ``base`` buys, on ``date``."""

    base: str
    date: datetime.date
    per_base: Mapping[str, Decimal]

    def __post_init__(self) -> None:
        for code, rate in self.per_base.items():
            exponent(code)  # a code that is no currency is refused with the table
            if not rate.is_finite() or rate <= 0:
                raise RatesFileError(f"the rate of {code} must be a positive number")
        exponent(self.base)

    @property
    def currencies(self) -> list[str]:
        return sorted({self.base, *self.per_base})

    def rate(self, code: str) -> Decimal:
        if code == self.base:
            return Decimal(1)
        found = self.per_base.get(code)
        if found is None:
            raise UnknownCurrency(
                f"No exchange rate for {code}; GET /api/v1/currencies lists those there are",
                errors=[InvalidParam(name="query.currency", reason=f"no rate for {code}")],
            )
        return found

    def cross(self, source: str, target: str) -> Decimal:
        """Units of ``target`` one unit of ``source`` buys, through the base."""
        return _EXACT.divide(self.rate(target), self.rate(source))


@dataclass(frozen=True)
class Converted:
    amount: int  # minor units of ``currency``
    currency: str
    rate: Decimal  # units of ``currency`` per unit of the source, as shown
    rates_date: datetime.date


def convert(rates: Rates, amount: int, source: str, target: str) -> Converted:
    """``amount`` minor units of ``source`` in minor units of ``target``, rounded half
    to even once, from the table's rates (never from the rounded rate shown)."""
    if source == target:
        return Converted(amount, target, Decimal(1), rates.date)
    shift = Decimal(10) ** (exponent(target) - exponent(source))
    numerator = _EXACT.multiply(_EXACT.multiply(Decimal(amount), rates.rate(target)), shift)
    exact = _EXACT.divide(numerator, rates.rate(source))
    rounded = exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN, context=_EXACT)
    shown = Context(prec=_SHOWN_RATE_DIGITS).plus(rates.cross(source, target)).normalize()
    return Converted(int(rounded), target, shown, rates.date)


class DisplayMoney(BaseModel):
    """An amount converted for display, beside the real price it was converted from."""

    amount: int = Field(description="Minor units of the currency asked for")
    currency: str = Field(description="ISO 4217, the currency asked for")
    rate: str = Field(
        description="Units of this currency per unit of the price's currency (10 significant"
        " digits; the amount is converted with the table's own rates)",
        examples=["1.1172"],
    )
    rates_date: datetime.date = Field(description="The date of the exchange rates used")

    @classmethod
    def of(cls, converted: Converted) -> DisplayMoney:
        return cls(
            amount=converted.amount,
            currency=converted.currency,
            rate=format(converted.rate, "f"),
            rates_date=converted.rates_date,
        )


@dataclass(frozen=True)
class Shown:
    """The rates table and the currency a buyer asked prices to be shown in."""

    rates: Rates
    currency: str

    def money(self, amount: int, source: str) -> DisplayMoney | None:
        """``amount`` of ``source`` in the asked currency, or None when the price's own
        currency has no rate (the buyer then sees the real price only)."""
        if source != self.rates.base and source not in self.rates.per_base:
            return None
        return DisplayMoney.of(convert(self.rates, amount, source, self.currency))


# The ``currency`` query of the reads that show prices converted.
CurrencyQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z]{3}$",
        description="Also show prices in this currency (ISO 4217), converted at the rates of"
        " GET /currencies; orders are still charged in the product's currency",
    ),
]


def shown_in(rates: Rates, currency: str | None) -> Shown | None:
    """How to show prices in ``currency`` (None: as they are); without a rate, 422."""
    if currency is None:
        return None
    code = currency.upper()
    exponent(code)
    rates.rate(code)
    return Shown(rates, code)


class RatesProvider(Protocol):
    """Where the current rates come from: a file here; a live source can be another."""

    def current(self) -> Rates: ...


async def shown(request: Request, currency: CurrencyQuery = None) -> Shown | None:
    """The ``currency`` query of a service whose context has ``rates``: how prices are
    shown; nothing is read without the query; 422 without a rate."""
    if currency is None:
        return None
    rates: RatesProvider = request.app.state.context.rates
    return shown_in(rates.current(), currency)


ShownDep = Annotated[Shown | None, Depends(shown)]


def parse(text: str, *, csv_format: bool) -> Rates:
    """A rates table from a JSON document (``{"base", "date", "rates": {code: rate}}``,
    rates as strings or numbers) or from the European Central Bank's daily CSV
    (``Date, USD, JPY, ...`` then one row of euro rates)."""
    try:
        if csv_format:
            rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
            header, values = rows[0], rows[1]
            date = datetime.datetime.strptime(values[0], "%d %B %Y").date()
            pairs = dict(zip(header[1:], values[1:], strict=False))
            table = {code: Decimal(rate) for code, rate in pairs.items() if code and rate}
            return Rates("EUR", date, table)
        document = json.loads(text)
        return Rates(
            str(document["base"]).upper(),
            datetime.date.fromisoformat(document["date"]),
            {str(code).upper(): Decimal(str(rate)) for code, rate in document["rates"].items()},
        )
    except (
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
        InvalidOperation,
        UnknownCurrency,
    ) as exc:
        raise RatesFileError(f"not a table of exchange rates: {exc}") from exc


def shipped_rates_path() -> Path:
    return Path(str(files("agora_kit").joinpath("data", "rates.json")))


class FileRates:
    """Rates read from a file, read again when its modification time or size changes;
    a file replaced by one that cannot be read keeps the last table (and says so)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or shipped_rates_path()
        try:
            self._seen = self._stamp()
            self._rates = self._read()
        except OSError as exc:
            raise RatesFileError(f"cannot read the rates file {self.path}: {exc}") from exc

    def _stamp(self) -> tuple[int, int]:
        stat = os.stat(self.path)
        return stat.st_mtime_ns, stat.st_size

    def _read(self) -> Rates:
        try:
            return parse(self.path.read_text(), csv_format=self.path.suffix.lower() == ".csv")
        except RatesFileError as exc:
            raise RatesFileError(f"{self.path}: {exc}") from exc

    def current(self) -> Rates:
        try:
            stamp = self._stamp()
            if stamp != self._seen:
                self._seen = stamp
                self._rates = self._read()
        except (OSError, RatesFileError) as exc:
            logger.warning(
                "rates file unreadable, keeping the rates of %s: %s", self._rates.date, exc
            )
        return self._rates
