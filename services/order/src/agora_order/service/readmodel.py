"""The order service's own view of what the catalog sells: SKUs, prices and
availability, from the catalog's product snapshots and stock events (never its
database). Each applied event's time is kept, so a late, older event changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import ProductPublished, ProductUpdated, StockChanged
from agora_order.repository import skus as sku_repo


async def apply_snapshot(
    session: AsyncSession, event: ProductPublished | ProductUpdated, at: datetime
) -> None:
    """The product as it is now: each variant is for sale at its price; a SKU of the
    product missing from the snapshot is no longer for sale."""
    for variant in event.variants:
        await sku_repo.upsert_from_snapshot(
            session,
            {
                "sku": variant.sku,
                "product_id": event.product_id,
                "vendor_id": event.vendor_id,
                "title": event.title,
                "attributes": dict(variant.attributes),
                "price_amount": variant.price.amount,
                "currency": variant.price.currency,
                "available": variant.available,
                "for_sale": True,
                "product_version": at,
            },
        )
    await sku_repo.withdraw_others(
        session, event.product_id, [variant.sku for variant in event.variants], at
    )


async def withdraw(session: AsyncSession, skus: Sequence[str], at: datetime) -> None:
    """The product is no longer for sale (unpublished or deleted)."""
    await sku_repo.withdraw(session, skus, at)


async def apply_stock(session: AsyncSession, event: StockChanged, at: datetime) -> None:
    row = await sku_repo.locked(session, event.sku)
    if row is None:
        return  # not for sale (yet): the product's snapshot will carry availability
    if row.stock_version is not None and row.stock_version >= at:
        return
    row.available = event.available
    row.stock_version = at
    await session.flush()
