"""Which user owns which store (``vendors``), from the catalog's vendor events, and
the payouts of those stores a page at a time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, keyset_page
from agora_payment.models import Payment, Payout, Vendor


async def upsert(session: AsyncSession, vendor_id: uuid.UUID, owner_id: uuid.UUID) -> None:
    statement = pg_insert(Vendor).values(vendor_id=vendor_id, owner_id=owner_id)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Vendor.vendor_id], set_={"owner_id": owner_id}
        )
    )


async def owned_by(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(select(Vendor.vendor_id).where(Vendor.owner_id == user_id))
    return list(rows)


async def payouts_page(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID], params: PageParams
) -> Page[tuple[Payout, uuid.UUID]]:
    """The stores' payouts with their order's id, newest first."""
    # Each row is the (payout, order id) pair, not a single entity (scalars=False).
    statement = cast(
        "Select[tuple[tuple[Payout, uuid.UUID]]]",
        select(Payout, Payment.order_id)
        .join(Payment, Payment.id == Payout.payment_id)
        .where(Payout.vendor_id.in_(vendor_ids)),
    )
    return await keyset_page(
        session,
        statement,
        key=[Payout.created_at, Payout.id],
        key_of=lambda row: (row[0].created_at, row[0].id),
        params=params,
        to_item=lambda row: (row[0], row[1]),
        direction="desc",
        scalars=False,
    )
