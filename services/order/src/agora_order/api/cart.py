"""The buyer's cart: ``/cart``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from agora_kit.currency import ShownDep
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_order.api.cart_schemas import CartOut, cart_out
from agora_order.api.deps import ReaderDep, SettingsDep, WriterDep
from agora_order.api.schemas import CartItemIn, QuantityIn
from agora_order.api.shipping_schemas import Country
from agora_order.service import cart

router = APIRouter(prefix="/cart", tags=["cart"])
SkuPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


@router.get(
    "", summary="Your cart", response_model=CartOut, responses=problem_responses(401, 403, 422)
)
async def get_cart(
    buyer: ReaderDep,
    session: SessionDep,
    settings: SettingsDep,
    shown: ShownDep,
    *,
    country: Annotated[
        Country | None,
        Query(description="Price shipping and tax to this country (ISO 3166-1 alpha-2)"),
    ] = None,
    region: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=3,
            pattern=r"^[A-Za-z0-9]+$",
            description="The region's ISO 3166-2 code without the country (CA for US-CA),"
            " where its tax differs",
        ),
    ] = None,
    coupon_code: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="Show the discount this coupon would give at checkout",
        ),
    ] = None,
) -> CartOut:
    """The caller's cart with live prices and totals: each line's current unit price and
    stock, the subtotal and the currency, and, for the `country` given (with its
    `region`), each store's shipping and tax: checkout to an address there (with the
    same `coupon_code`) charges exactly these amounts. A coupon that checkout would
    refuse is 422 `bad-coupon`. Without a country, shipping follows the default rule
    and the stores with their own shipping zones show `ships: null`. With `currency`,
    each line's price and the subtotal and total are also shown converted to it
    (`display_*`: amount, currency, rate, the rates' date), each amount converted on its
    own; checkout still charges `total` in the cart's currency. An unknown currency is
    422 `unknown-currency`."""
    destination = cart.Destination(country, region.upper() if region and country else None)
    view = await cart.view(session, settings, buyer, destination, coupon_code=coupon_code)
    return cart_out(view, shown)


@router.post(
    "/items",
    summary="Add a SKU to your cart",
    response_model=CartOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_item(
    body: CartItemIn, buyer: WriterDep, session: SessionDep, settings: SettingsDep
) -> CartOut:
    """Add a quantity of a SKU to the caller's cart. Unknown SKUs are 404; more than the
    stock available is 409."""
    return cart_out(await cart.add(session, settings, buyer, body.sku, body.quantity))


@router.patch(
    "/items/{sku}",
    summary="Set a cart line's quantity",
    response_model=CartOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def set_item(
    sku: SkuPath, body: QuantityIn, buyer: WriterDep, session: SessionDep, settings: SettingsDep
) -> CartOut:
    """Set the quantity of a SKU in the caller's cart."""
    return cart_out(await cart.set_quantity(session, settings, buyer, sku, body.quantity))


@router.delete(
    "/items/{sku}",
    summary="Remove a SKU from your cart",
    response_model=CartOut,
    responses=problem_responses(401, 403, 404),
)
async def remove_item(
    sku: SkuPath, buyer: WriterDep, session: SessionDep, settings: SettingsDep
) -> CartOut:
    """Remove a SKU from the caller's cart; a SKU not in the cart is 404."""
    await cart.remove(session, buyer, sku)
    return cart_out(await cart.view(session, settings, buyer))
