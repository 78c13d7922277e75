"""The cart shown in another currency (ADR 0118): converted display amounts beside the
real ones, 422 for a currency without a rate, and checkout charging the cart's own
currency whatever it was shown in."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from agora_order.settings import Settings

from .helpers import checkout, fill, order, stock

CART = "/api/v1/cart"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    path = tmp_path / "rates.json"
    table = {"base": "EUR", "date": "2026-12-04", "rates": {"USD": "1.25", "JPY": "180"}}
    path.write_text(json.dumps(table))
    common = settings.common.model_copy(update={"currency_rates_file": path})
    return settings.model_copy(update={"common": common})


async def test_the_cart_is_shown_converted_and_charged_in_its_currency(
    app: FastAPI, client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    await stock(app, [("FX-MUG", 1250, 10)])
    await fill(client, buyer, ("FX-MUG", 3))

    plain = (await client.get(CART, headers=buyer)).json()
    assert plain["display_total"] is None
    assert plain["items"][0]["display_unit_price"] is None

    shown = await client.get(CART, params={"currency": "jpy"}, headers=buyer)
    assert shown.status_code == 200, shown.text
    body = shown.json()
    # 12.50 USD at 180 / 1.25 = 144 JPY per USD: 1800 yen; the real prices stay.
    line = body["items"][0]
    assert line["unit_price"] == {"amount": 1250, "currency": "USD"}
    assert line["display_unit_price"] == {
        "amount": 1800,
        "currency": "JPY",
        "rate": "144",
        "rates_date": "2026-12-04",
    }
    assert line["display_line_total"]["amount"] == 5400
    assert body["total"] == plain["total"]
    assert body["total"]["currency"] == "USD"
    # 37.50 + 4.99 shipping + 4.25 tax = 46.74 USD, 6730.56 yen shown as 6731.
    total = body["total"]["amount"]
    assert total == 4674
    assert body["display_total"]["amount"] == 6731
    assert body["display_subtotal"]["amount"] == 5400

    placed = await checkout(client, buyer)
    assert placed.status_code == 202, placed.text
    charged = placed.json()
    assert charged["total"] == {"amount": total, "currency": "USD"}
    assert (await order(client, buyer, charged["id"]))["total"]["currency"] == "USD"


async def test_a_currency_without_a_rate_is_422(
    client: httpx.AsyncClient, buyer: dict[str, str]
) -> None:
    answer = await client.get(CART, params={"currency": "GBP"}, headers=buyer)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/unknown-currency")
