"""The queries on stores (the vendors table)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import VENDOR_APPROVED, Vendor
from agora_kit.pagination import Page, PageParams, entity_page


async def find_vendor(
    session: AsyncSession, vendor_id: uuid.UUID, *, lock: bool = False
) -> Vendor | None:
    """The store, locked for this transaction when ``lock``."""
    stmt = select(Vendor).where(Vendor.id == vendor_id)
    if lock:
        stmt = stmt.with_for_update()
    vendor: Vendor | None = await session.scalar(stmt)
    return vendor


async def get_vendor(session: AsyncSession, vendor_id: uuid.UUID) -> Vendor | None:
    """The store, from the session's identity map when it holds it."""
    return await session.get(Vendor, vendor_id)


async def vendor_of_owner(session: AsyncSession, owner_id: uuid.UUID) -> Vendor | None:
    vendor: Vendor | None = await session.scalar(select(Vendor).where(Vendor.owner_id == owner_id))
    return vendor


async def vendor_id_of_slug(session: AsyncSession, slug: str) -> uuid.UUID | None:
    vendor_id: uuid.UUID | None = await session.scalar(select(Vendor.id).where(Vendor.slug == slug))
    return vendor_id


async def approved_page(session: AsyncSession, params: PageParams) -> Page[Vendor]:
    """A page of the approved stores, by slug."""
    return await entity_page(
        session,
        select(Vendor).where(Vendor.status == VENDOR_APPROVED),
        key=[Vendor.slug],
        params=params,
    )


async def vendors_page(
    session: AsyncSession, params: PageParams, *, status: str | None
) -> Page[Vendor]:
    """A page of every store, or those of one status, oldest first."""
    stmt = select(Vendor)
    if status is not None:
        stmt = stmt.where(Vendor.status == status)
    return await entity_page(
        session,
        stmt,
        key=[Vendor.created_at, Vendor.id],
        params=params,
    )


async def low_stock_thresholds(
    session: AsyncSession, vendor_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(Vendor.id, Vendor.low_stock_threshold).where(Vendor.id.in_(vendor_ids))
    )
    return dict(rows.tuples().all())


async def vendor_names(
    session: AsyncSession, vendor_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    rows = await session.execute(select(Vendor.id, Vendor.name).where(Vendor.id.in_(vendor_ids)))
    return dict(rows.tuples().all())


async def set_kyc(session: AsyncSession, vendor_id: uuid.UUID, status: str, at: datetime) -> None:
    """The store's KYC status as of ``at``; an older report changes nothing."""
    await session.execute(
        update(Vendor)
        .where(
            Vendor.id == vendor_id,
            or_(Vendor.kyc_updated_at.is_(None), Vendor.kyc_updated_at <= at),
        )
        .values(kyc_status=status, kyc_updated_at=at)
    )
