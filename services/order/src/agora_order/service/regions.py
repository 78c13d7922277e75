"""ISO 3166 codes: countries (3166-1 alpha-2) and their subdivisions (3166-2), from
``pycountry``'s copy of the standard."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def _countries() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _subdivisions() -> frozenset[str]:
    return frozenset(subdivision.code for subdivision in pycountry.subdivisions)


@cache
def _regions_by_name() -> dict[str, str]:
    """``COUNTRY:key`` to the ISO 3166-2 code, where key is the code's part after the
    country (``CA``) or the region's name (``CALIFORNIA``), upper case."""
    found: dict[str, str] = {}
    for subdivision in pycountry.subdivisions:
        country, _, local = subdivision.code.partition("-")
        found[f"{country}:{local}"] = subdivision.code
        found.setdefault(f"{country}:{subdivision.name.upper()}", subdivision.code)
    return found


def region_code(country: str, region: str) -> str | None:
    """The ISO 3166-2 code of an address's region, given as its code (``CA``,
    ``US-CA``) or its name (``California``); None when it names none of the country's."""
    key = region.strip().upper()
    key = key.removeprefix(f"{country}-")
    return _regions_by_name().get(f"{country}:{key}")


def is_country(code: str) -> bool:
    return code in _countries()


def is_subdivision(code: str) -> bool:
    """``code`` is an ISO 3166-2 subdivision, such as ``US-CA``."""
    return code in _subdivisions()


def tax_key_problem(key: str) -> str | None:
    """Why ``key`` cannot name a tax rate (a country or a subdivision), or None."""
    if is_country(key) or is_subdivision(key):
        return None
    return f"{key!r} is neither an ISO 3166-1 alpha-2 country nor an ISO 3166-2 subdivision"
