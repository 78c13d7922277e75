"""The queries on stock per SKU (the inventory table): read one row, lock rows in one
order (with the units per SKU that go with them), and which SKUs are for sale."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import Inventory, Product, Variant, Vendor
from agora_catalog.repository.public import PUBLIC


async def find_inventory(
    session: AsyncSession, sku: str, *, lock: bool = False
) -> Inventory | None:
    """The SKU's stock row, locked for this transaction when ``lock``."""
    stmt = select(Inventory).where(Inventory.sku == sku)
    if lock:
        stmt = stmt.with_for_update()
    inventory: Inventory | None = await session.scalar(stmt)
    return inventory


async def get_inventory(session: AsyncSession, sku: str) -> Inventory | None:
    """The SKU's stock row, from the session's identity map when it holds it."""
    return await session.get(Inventory, sku)


def units_per_sku(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """The units of (SKU, units) lines per SKU, in lock order; an order or a return may
    name a SKU on two lines."""
    units: dict[str, int] = defaultdict(int)
    for sku, count in lines:
        units[sku] += count
    return dict(sorted(units.items()))


async def lock_inventory(session: AsyncSession, skus: Iterable[str]) -> dict[str, Inventory]:
    """The stock rows of ``skus``, locked in SKU order (so concurrent checkouts never
    deadlock), with their values read under the lock."""
    ordered = sorted(set(skus))
    if not ordered:
        return {}
    rows = await session.scalars(
        select(Inventory)
        .where(Inventory.sku.in_(ordered))
        .order_by(Inventory.sku)
        .with_for_update()
        # Fresh values, never the session's cached ones: they were read before the lock.
        .execution_options(populate_existing=True)
    )
    return {row.sku: row for row in rows}


async def sellable_skus(session: AsyncSession, skus: Iterable[str]) -> set[str]:
    """SKUs that are for sale now: variant live, product published, store approved."""
    rows = await session.scalars(
        select(Variant.sku)
        .join(Product, Product.id == Variant.product_id)
        .join(Vendor, Vendor.id == Product.vendor_id)
        .where(
            Variant.sku.in_(list(skus)),
            Variant.deleted_at.is_(None),
            *PUBLIC,
        )
    )
    return set(rows)
