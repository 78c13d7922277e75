"""Which user owns which store (``vendors``), from the catalog's vendor events."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import Vendor


async def upsert(
    session: AsyncSession, vendor_id: uuid.UUID, owner_id: uuid.UUID, name: str, *, active: bool
) -> None:
    statement = pg_insert(Vendor).values(
        vendor_id=vendor_id, owner_id=owner_id, name=name, active=active
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Vendor.vendor_id],
            set_={"owner_id": owner_id, "name": name, "active": active},
        )
    )


async def owned_by(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(select(Vendor.vendor_id).where(Vendor.owner_id == user_id))
    return list(rows)
