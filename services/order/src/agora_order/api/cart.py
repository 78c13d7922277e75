"""The buyer's cart: ``/cart``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_order.api.deps import ReaderDep, SettingsDep, WriterDep
from agora_order.api.schemas import CartItemIn, CartOut, QuantityIn, cart_out
from agora_order.service import cart

router = APIRouter(prefix="/cart", tags=["cart"])
SkuPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


@router.get("", response_model=CartOut, responses=problem_responses(401, 403))
async def get_cart(buyer: ReaderDep, session: SessionDep, settings: SettingsDep) -> CartOut:
    return cart_out(await cart.view(session, settings, buyer))


@router.post("/items", response_model=CartOut, responses=problem_responses(401, 403, 404, 409, 422))
async def add_item(
    body: CartItemIn, buyer: WriterDep, session: SessionDep, settings: SettingsDep
) -> CartOut:
    await cart.add(session, settings, buyer, body.sku, body.quantity)
    return cart_out(await cart.view(session, settings, buyer))


@router.patch(
    "/items/{sku}", response_model=CartOut, responses=problem_responses(401, 403, 404, 409, 422)
)
async def set_item(
    sku: SkuPath, body: QuantityIn, buyer: WriterDep, session: SessionDep, settings: SettingsDep
) -> CartOut:
    await cart.set_quantity(session, settings, buyer, sku, body.quantity)
    return cart_out(await cart.view(session, settings, buyer))


@router.delete("/items/{sku}", response_model=CartOut, responses=problem_responses(401, 403, 404))
async def remove_item(
    sku: SkuPath, buyer: WriterDep, session: SessionDep, settings: SettingsDep
) -> CartOut:
    await cart.remove(session, buyer, sku)
    return cart_out(await cart.view(session, settings, buyer))
