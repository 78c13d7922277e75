"""Projections of other services' events: stores and their owners, orders and their
buyers, SKUs and their products' titles."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.models import OrderRef, ProductRef, SkuRef, VendorRef

# An order and its buyer (and its number, kept when an event does not tell it). As
# text: SQLAlchemy 2.0 does not cache the PostgreSQL dialect's INSERT .. ON CONFLICT
# and would compile it again for each of the order's events.
_LEARN_ORDER = text(
    "INSERT INTO orders (order_id, buyer_id, order_number, updated_at)"
    " VALUES (:order_id, :buyer_id, :order_number, :updated_at)"
    " ON CONFLICT (order_id) DO UPDATE SET buyer_id = excluded.buyer_id,"
    " order_number = coalesce(excluded.order_number, orders.order_number),"
    " updated_at = excluded.updated_at"
)


async def learn_vendor(
    session: AsyncSession, vendor_id: uuid.UUID, owner_id: uuid.UUID, name: str, now: datetime
) -> None:
    values = {"owner_id": owner_id, "name": name[:200], "updated_at": now}
    await session.execute(
        pg_insert(VendorRef)
        .values(vendor_id=vendor_id, **values)
        .on_conflict_do_update(index_elements=[VendorRef.vendor_id], set_=values)
    )


async def stores_of(session: AsyncSession, owner_id: uuid.UUID) -> list[uuid.UUID]:
    """The stores ``owner_id`` owns, as the catalog's events told (on the owner's index)."""
    found = await session.scalars(select(VendorRef.vendor_id).where(VendorRef.owner_id == owner_id))
    return list(found)


async def vendor(session: AsyncSession, vendor_id: uuid.UUID) -> VendorRef | None:
    found: VendorRef | None = await session.get(VendorRef, vendor_id)
    return found


async def learn_order(
    session: AsyncSession,
    order_id: uuid.UUID,
    buyer_id: uuid.UUID,
    order_number: str | None,
    now: datetime,
) -> None:
    await session.execute(
        _LEARN_ORDER,
        {
            "order_id": order_id,
            "buyer_id": buyer_id,
            "order_number": order_number[:64] if order_number else None,
            "updated_at": now,
        },
    )


async def order(session: AsyncSession, order_id: uuid.UUID) -> OrderRef | None:
    found: OrderRef | None = await session.get(OrderRef, order_id)
    return found


async def learn_skus(
    session: AsyncSession,
    product_id: uuid.UUID,
    title: str,
    skus: list[str],
    now: datetime,
) -> None:
    for sku in skus:
        values = {"product_id": product_id, "title": title[:300], "updated_at": now}
        await session.execute(
            pg_insert(SkuRef)
            .values(sku=sku[:100], **values)
            .on_conflict_do_update(index_elements=[SkuRef.sku], set_=values)
        )


async def sku_title(session: AsyncSession, sku: str) -> str | None:
    found = await session.get(SkuRef, sku[:100])
    return found.title if found is not None else None


async def learn_product(
    session: AsyncSession, product_id: uuid.UUID, vendor_id: uuid.UUID, title: str, now: datetime
) -> None:
    values = {"vendor_id": vendor_id, "title": title[:300], "updated_at": now}
    await session.execute(
        pg_insert(ProductRef)
        .values(product_id=product_id, **values)
        .on_conflict_do_update(index_elements=[ProductRef.product_id], set_=values)
    )


async def product(session: AsyncSession, product_id: uuid.UUID) -> ProductRef | None:
    found: ProductRef | None = await session.get(ProductRef, product_id)
    return found
