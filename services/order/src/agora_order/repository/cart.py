"""The buyers' carts (``cart_items``)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import CartItem


async def items(
    session: AsyncSession, buyer_id: uuid.UUID, *, locked: bool = False
) -> list[CartItem]:
    """The buyer's cart, oldest line first; ``locked``: its lines locked (in that
    order) until the transaction ends, for a change that depends on what they hold."""
    query = (
        select(CartItem)
        .where(CartItem.buyer_id == buyer_id)
        .order_by(CartItem.added_at, CartItem.sku)
    )
    if locked:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(await session.scalars(query))


async def delete_item(session: AsyncSession, buyer_id: uuid.UUID, code: str) -> bool:
    """Remove the line of ``code``; False when the cart had none."""
    result = await session.execute(
        delete(CartItem).where(CartItem.buyer_id == buyer_id, CartItem.sku == code)
    )
    return bool(getattr(result, "rowcount", 0))


async def clear(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    await session.execute(delete(CartItem).where(CartItem.buyer_id == buyer_id))
