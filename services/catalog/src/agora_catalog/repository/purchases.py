"""The queries on purchases: which buyer bought which product by which order, what
makes a verified buyer for reviews."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import delete, exists, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Product, Purchase, Variant

# One purchase per product, those recorded now returned. As text: SQLAlchemy 2.0 does
# not cache the PostgreSQL dialect's INSERT .. ON CONFLICT and would compile it again
# for every confirmed order.
_ADD = text(
    "INSERT INTO purchases (buyer_id, product_id, order_id)"
    " SELECT CAST(:buyer_id AS uuid), product_id, CAST(:order_id AS uuid)"
    " FROM unnest(CAST(:product_ids AS uuid[])) AS given(product_id)"
    " ON CONFLICT DO NOTHING RETURNING product_id"
)


async def product_ids_of_skus(session: AsyncSession, skus: Sequence[str]) -> set[uuid.UUID]:
    return set(await session.scalars(select(Variant.product_id).where(Variant.sku.in_(list(skus)))))


async def known_product_ids(
    session: AsyncSession, product_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``product_ids`` the catalog has (deleted ones too)."""
    return set(await session.scalars(select(Product.id).where(Product.id.in_(product_ids))))


async def add_purchases(
    session: AsyncSession,
    *,
    buyer_id: uuid.UUID,
    order_id: uuid.UUID,
    product_ids: Sequence[uuid.UUID],
) -> set[uuid.UUID]:
    """One purchase per product; those already recorded stay as they are. The products
    recorded now."""
    added = await session.scalars(
        _ADD, {"buyer_id": buyer_id, "order_id": order_id, "product_ids": list(product_ids)}
    )
    return set(added)


async def delete_purchases_of_order(session: AsyncSession, order_id: uuid.UUID) -> None:
    await session.execute(delete(Purchase).where(Purchase.order_id == order_id))


async def has_bought(session: AsyncSession, buyer_id: uuid.UUID, product_id: uuid.UUID) -> bool:
    return bool(
        await session.scalar(
            select(exists().where(Purchase.buyer_id == buyer_id, Purchase.product_id == product_id))
        )
    )
