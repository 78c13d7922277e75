"""Prices shown in another currency (ADR 0118): the rates table at ``/currencies``, and
the ``currency`` query of the product reads, which adds a converted ``display_*`` money
beside each real price. Orders are still charged in the product's currency."""

from __future__ import annotations

import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from agora_catalog.api.deps import ContextDep
from agora_catalog.api.schemas import ProductOut, ProductPage
from agora_catalog.api.search_schemas import SearchResponse
from agora_kit.currency import Shown, exponent

router = APIRouter(tags=["products"])


def show_product(out: ProductOut, shown: Shown | None) -> ProductOut:
    if shown is None:
        return out
    if out.price_from is not None:
        out.display_price_from = shown.money(out.price_from.amount, out.price_from.currency)
    for variant in out.variants:
        variant.display_price = shown.money(variant.price.amount, variant.price.currency)
    return out


def show_page(page: ProductPage, shown: Shown | None) -> ProductPage:
    if shown is not None:
        for item in page.items:
            if item.price_from is not None:
                price = item.price_from
                item.display_price_from = shown.money(price.amount, price.currency)
    return page


def show_results(response: SearchResponse, shown: Shown | None) -> SearchResponse:
    if shown is not None:
        for item in response.items:
            item.display_price = shown.money(item.price.amount, item.price.currency)
    return response


class CurrencyRate(BaseModel):
    code: str = Field(description="ISO 4217")
    exponent: int = Field(description="Digits of its minor unit: 2 for USD, 0 for JPY")
    rate: str = Field(description="Units of this currency one unit of the base buys")


class CurrencyTable(BaseModel):
    base: str = Field(description="The currency the rates are quoted against")
    date: datetime.date = Field(description="The day the rates are of")
    currencies: list[CurrencyRate]


@router.get(
    "/currencies",
    response_model=CurrencyTable,
    summary="The currencies prices can be shown in, and their exchange rates",
)
async def currencies(context: ContextDep) -> CurrencyTable:
    """The exchange rates that `?currency=` on product reads and the cart converts
    with: units of each currency per unit of the `base`, on `date`. Amounts are
    converted in minor units through the base and rounded half to even; what is
    charged stays in the product's own currency."""
    rates = context.rates.current()
    return CurrencyTable(
        base=rates.base,
        date=rates.date,
        currencies=[
            CurrencyRate(code=code, exponent=exponent(code), rate=format(rates.rate(code), "f"))
            for code in rates.currencies
        ],
    )
