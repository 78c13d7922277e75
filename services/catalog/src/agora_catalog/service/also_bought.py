"""Customers also bought: how many confirmed orders held two products together, counted
once per order when the order service confirms it, and the products most often bought
with one (ADR 0122).

A confirmed order counts for good: cancelling or refunding it later does not take its
pairs back (they were bought together). The inbox drops a redelivered event, and an
order whose purchases were recorded before adds nothing again."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.domain.products import is_public
from agora_catalog.models import Product
from agora_catalog.repository import co_purchases as repo
from agora_catalog.repository import product_views as views_repo
from agora_kit.errors import NotFound

DEFAULT_LIMIT = 8
MAX_LIMIT = 24


@dataclass(frozen=True)
class AlsoBought:
    """One product bought with another, how many orders held both, and its lowest
    price (amount, currency) when it has a live variant."""

    product: Product
    orders: int
    price: tuple[int, str] | None


async def record_order(session: AsyncSession, product_ids: Collection[uuid.UUID]) -> None:
    """One confirmed order held these products: each pair of them counts once more."""
    if len(product_ids) > 1:
        await repo.add_order(session, product_ids)


async def listing(
    session: AsyncSession, product_id: uuid.UUID, limit: int = DEFAULT_LIMIT
) -> Sequence[AlsoBought]:
    """The products for sale most often bought with ``product_id`` (a product for sale;
    404 otherwise): most orders first, then the most recently bought together."""
    found = await views_repo.product_with_vendor(session, product_id)
    if found is None or not is_public(found[0], found[1]):
        raise NotFound("No such product.")
    rows = await repo.also_bought(session, product_id, limit)
    prices = await views_repo.lowest_prices(session, [product.id for product, _ in rows])
    return [AlsoBought(product, orders, prices.get(product.id)) for product, orders in rows]
