"""The queries on co-purchases: counting an order's pairs of products, and reading the
products most often bought with one (ADR 0122)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from itertools import permutations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import CoPurchase, Product, Vendor
from agora_catalog.repository.public import PUBLIC


async def add_order(session: AsyncSession, product_ids: Collection[uuid.UUID]) -> None:
    """One more order held each of these (distinct) products with each other: one
    statement that adds 1 to every ordered pair, both directions. The pairs go in a
    fixed order, so two orders of the same products lock their rows in the same order
    and never deadlock."""
    pairs = sorted(permutations(sorted(set(product_ids)), 2))
    if not pairs:
        return
    stmt = pg_insert(CoPurchase).values(
        [{"product_id": a, "other_product_id": b, "count": 1} for a, b in pairs]
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[CoPurchase.product_id, CoPurchase.other_product_id],
            set_={"count": CoPurchase.count + 1, "updated_at": func.now()},
        )
    )


async def also_bought(
    session: AsyncSession, product_id: uuid.UUID, limit: int
) -> Sequence[tuple[Product, int]]:
    """The products for sale most often bought with ``product_id``, with how often:
    most first, then the most recently bought together, then by id."""
    rows = await session.execute(
        select(Product, CoPurchase.count)
        .join(CoPurchase, CoPurchase.other_product_id == Product.id)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(CoPurchase.product_id == product_id, *PUBLIC)
        .order_by(
            CoPurchase.count.desc(),
            CoPurchase.updated_at.desc(),
            CoPurchase.other_product_id,
        )
        .limit(limit)
    )
    return [(product, count) for product, count in rows.tuples()]
