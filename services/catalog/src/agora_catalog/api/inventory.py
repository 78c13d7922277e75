"""Stock per SKU, for the store's owner (or an ``inventory:write`` key, or an admin)."""

from __future__ import annotations

from fastapi import APIRouter

from agora_catalog.api.deps import ContextDep, StoreWriterDep
from agora_catalog.api.schemas import StockIn, StockOut
from agora_catalog.service import stock
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses

router = APIRouter(tags=["inventory"])


@router.get(
    "/inventory/{sku}",
    response_model=StockOut,
    summary="A SKU's stock: on hand, reserved by open orders, available",
    responses=problem_responses(401, 403, 404),
)
async def get_stock(sku: str, session: SessionDep, actor: StoreWriterDep) -> StockOut:
    """A SKU's stock: `on_hand` units, `reserved` by orders not yet paid or cancelled,
    and `available` to sell. The owning vendor, an admin, or an API key with
    `inventory:write`."""
    return StockOut.of(await stock.stock_of(session, actor, sku))


@router.put(
    "/inventory/{sku}",
    response_model=StockOut,
    summary="Set how many units are on hand",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def put_stock(
    sku: str, body: StockIn, session: SessionDep, context: ContextDep, actor: StoreWriterDep
) -> StockOut:
    """Set how many units of a SKU are on hand. Never below what open orders have
    reserved (409). The owning vendor, an admin, or an API key with
    `inventory:write`."""
    row = await stock.set_on_hand(session, context.outbox, actor, sku, body.on_hand)
    return StockOut.of(row)
