"""Prices shown in another currency (ADR 0118): the rates table, the converted
``display_*`` money beside the real price, 422 for a currency without a rate, and
validators that follow the currency asked and the rates."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agora_catalog.settings import Settings
from agora_catalog_testing.helpers import Shop
from agora_kit.testing.waiting import eventually

RATES = {"base": "EUR", "date": "2026-12-04", "rates": {"USD": "1.25", "JPY": "180", "BHD": "0.4"}}


@pytest.fixture
def rates_file(tmp_path: Path) -> Path:
    path = tmp_path / "rates.json"
    path.write_text(json.dumps(RATES))
    return path


def replace(path: Path, table: dict[str, object]) -> None:
    """A new table in the file, with a modification time that differs for sure."""
    path.write_text(json.dumps(table))
    os.utime(path, ns=(10**18, 10**18))


@pytest.fixture
def settings(settings: Settings, rates_file: Path) -> Settings:
    common = settings.common.model_copy(update={"currency_rates_file": rates_file})
    return settings.model_copy(update={"common": common})


async def test_the_rates_table_names_its_base_and_date(shop: Shop) -> None:
    answer = await shop.client.get("/api/v1/currencies")
    assert answer.status_code == 200
    assert answer.headers["etag"]
    body = answer.json()
    assert (body["base"], body["date"]) == ("EUR", "2026-12-04")
    assert body["currencies"] == [
        {"code": "BHD", "exponent": 3, "rate": "0.4"},
        {"code": "EUR", "exponent": 2, "rate": "1"},
        {"code": "JPY", "exponent": 0, "rate": "180"},
        {"code": "USD", "exponent": 2, "rate": "1.25"},
    ]


async def test_prices_are_shown_converted_beside_the_real_ones(shop: Shop) -> None:
    store = await shop.store()
    boots = await shop.category("Boots")
    variants = [
        {"sku": "FX-1", "amount": 1999, "currency": "USD"},
        {"sku": "FX-2", "amount": 2500, "currency": "USD"},
    ]
    product = await shop.product(store, boots, "Boot", variants=variants)
    url = f"/api/v1/products/{product['id']}"

    plain = (await shop.client.get(url)).json()
    assert plain["display_price_from"] is None
    assert plain["variants"][0]["display_price"] is None

    body = await shop.ok(shop.client.get(url, params={"currency": "jpy"}))
    first = body["variants"][0]
    # 19.99 USD at 180 / 1.25 = 144 JPY per USD: 2878.56 yen, whole yen.
    assert first["price"] == {"amount": 1999, "currency": "USD"}
    assert first["display_price"] == {
        "amount": 2879,
        "currency": "JPY",
        "rate": "144",
        "rates_date": "2026-12-04",
    }
    assert body["display_price_from"]["amount"] == 2879
    # 25.00 USD is 8 BHD (0.4 / 1.25 per USD) in fils, three digits.
    dinar = await shop.ok(shop.client.get(url, params={"currency": "BHD"}))
    assert dinar["variants"][1]["display_price"]["amount"] == 8000

    listing = await shop.ok(shop.client.get("/api/v1/products", params={"currency": "EUR"}))
    # 19.99 / 1.25 = 15.992 EUR: 1599 cents.
    assert listing["items"][0]["price_from"] == {"amount": 1999, "currency": "USD"}
    assert listing["items"][0]["display_price_from"]["amount"] == 1599

    async def found() -> list[dict[str, object]]:
        answer = await shop.client.get("/api/v1/search", params={"q": "boot", "currency": "EUR"})
        items: list[dict[str, object]] = answer.json()["items"]
        return items

    [hit] = await eventually(found)
    assert hit["price"] == {"amount": 1999, "currency": "USD"}
    assert hit["display_price"] == {
        "amount": 1599,
        "currency": "EUR",
        "rate": "0.8",
        "rates_date": "2026-12-04",
    }


async def test_a_currency_without_a_rate_is_422(shop: Shop) -> None:
    store = await shop.store()
    boots = await shop.category("Boots")
    product = await shop.product(store, boots, "Boot")
    for currency in ("CHF", "ABC"):
        answer = await shop.client.get(
            f"/api/v1/products/{product['id']}", params={"currency": currency}
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["type"].endswith("/unknown-currency")
        assert problem["errors"][0]["name"] == "query.currency"
        assert "etag" not in answer.headers
    listing = await shop.client.get("/api/v1/products", params={"currency": "CHF"})
    assert listing.status_code == 422
    malformed = await shop.client.get("/api/v1/products", params={"currency": "US"})
    assert malformed.json()["type"].endswith("/validation-error")


async def test_the_etag_follows_the_currency_and_the_rates(shop: Shop, rates_file: Path) -> None:
    store = await shop.store()
    boots = await shop.category("Boots")
    product = await shop.product(store, boots, "Boot", variants=[{"amount": 1000}])
    url = f"/api/v1/products/{product['id']}"

    plain = await shop.client.get(url)
    in_yen = await shop.client.get(url, params={"currency": "JPY"})
    assert plain.headers["etag"] != in_yen.headers["etag"]
    # A tag of the unconverted answer never validates the converted one.
    stale = await shop.client.get(
        url, params={"currency": "JPY"}, headers={"If-None-Match": plain.headers["etag"]}
    )
    assert stale.status_code == 200
    assert stale.json()["variants"][0]["display_price"]["currency"] == "JPY"
    same = await shop.client.get(
        url, params={"currency": "JPY"}, headers={"If-None-Match": in_yen.headers["etag"]}
    )
    assert same.status_code == 304

    replace(rates_file, {**RATES, "date": "2026-12-05", "rates": {"USD": "1.25", "JPY": "200"}})
    moved = await shop.client.get(
        url, params={"currency": "JPY"}, headers={"If-None-Match": in_yen.headers["etag"]}
    )
    assert moved.status_code == 200
    assert moved.headers["etag"] != in_yen.headers["etag"]
    shown = moved.json()["variants"][0]["display_price"]
    assert (shown["amount"], shown["rates_date"]) == (1600, "2026-12-05")
    # The real price and the plain answer did not move.
    assert (await shop.client.get(url)).headers["etag"] == plain.headers["etag"]
