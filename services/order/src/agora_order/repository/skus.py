"""The SKU read model (``skus``): upserts from the catalog's product snapshots and
stock events, and reads by code."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import Sku


async def upsert_from_snapshot(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert the SKU, or update it when ``values["product_version"]`` is newer than
    the row's. Its availability from a snapshot only counts when no newer stock event
    came."""
    statement = pg_insert(Sku).values(**values)
    changes: dict[str, Any] = {key: statement.excluded[key] for key in values if key != "sku"}
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


async def withdraw_others(
    session: AsyncSession, product_id: uuid.UUID, keep: Sequence[str], at: datetime
) -> None:
    """The product's SKUs other than ``keep`` are no longer for sale (as of ``at``)."""
    await session.execute(
        update(Sku)
        .where(Sku.product_id == product_id, Sku.sku.not_in(list(keep)), Sku.product_version < at)
        .values(for_sale=False, product_version=at)
    )


async def withdraw(session: AsyncSession, codes: Sequence[str], at: datetime) -> None:
    """The SKUs ``codes`` are no longer for sale (as of ``at``)."""
    await session.execute(
        update(Sku)
        .where(Sku.sku.in_(list(codes)), Sku.product_version < at)
        .values(for_sale=False, product_version=at)
    )


async def locked(session: AsyncSession, code: str) -> Sku | None:
    sku: Sku | None = await session.scalar(select(Sku).where(Sku.sku == code).with_for_update())
    return sku


async def get(session: AsyncSession, code: str) -> Sku | None:
    return await session.get(Sku, code)


async def by_code(session: AsyncSession, codes: Sequence[str]) -> dict[str, Sku]:
    if not codes:
        return {}
    rows = await session.scalars(select(Sku).where(Sku.sku.in_(list(codes))))
    return {row.sku: row for row in rows}
