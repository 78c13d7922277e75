"""The order service's own view of what the catalog sells: SKUs, prices and
availability, from the catalog's product snapshots and stock events (never its
database). Each applied event's time is kept, so a late, older event changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import ProductPublished, ProductUpdated, StockChanged
from agora_order.models import Sku


async def apply_snapshot(
    session: AsyncSession, event: ProductPublished | ProductUpdated, at: datetime
) -> None:
    """The product as it is now: each variant is for sale at its price; a SKU of the
    product missing from the snapshot is no longer for sale."""
    skus = [variant.sku for variant in event.variants]
    for variant in event.variants:
        values = {
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
        }
        statement = pg_insert(Sku).values(**values)
        changes: dict[str, Any] = {key: statement.excluded[key] for key in values if key != "sku"}
        # Availability from a snapshot only counts when no newer stock event came.
        changes["available"] = case(
            (
                or_(
                    Sku.stock_version.is_(None),
                    Sku.stock_version < statement.excluded.product_version,
                ),
                statement.excluded.available,
            ),
            else_=Sku.available,
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[Sku.sku],
                set_=changes,
                where=Sku.product_version < statement.excluded.product_version,
            )
        )
    await session.execute(
        update(Sku)
        .where(Sku.product_id == event.product_id, Sku.sku.not_in(skus), Sku.product_version < at)
        .values(for_sale=False, product_version=at)
    )


async def withdraw(session: AsyncSession, skus: Sequence[str], at: datetime) -> None:
    """The product is no longer for sale (unpublished or deleted)."""
    await session.execute(
        update(Sku)
        .where(Sku.sku.in_(list(skus)), Sku.product_version < at)
        .values(for_sale=False, product_version=at)
    )


async def apply_stock(session: AsyncSession, event: StockChanged, at: datetime) -> None:
    row = await session.scalar(select(Sku).where(Sku.sku == event.sku).with_for_update())
    if row is None:
        return  # not for sale (yet): the product's snapshot will carry availability
    if row.stock_version is not None and row.stock_version >= at:
        return
    row.available = event.available
    row.stock_version = at
    await session.flush()


async def skus_by_code(session: AsyncSession, codes: Sequence[str]) -> dict[str, Sku]:
    if not codes:
        return {}
    rows = await session.scalars(select(Sku).where(Sku.sku.in_(list(codes))))
    return {row.sku: row for row in rows}
