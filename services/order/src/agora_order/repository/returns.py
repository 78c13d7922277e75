"""The SQL of returns."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, entity_page
from agora_order.models import RETURN_REJECTED, Return, ReturnLine


async def get(session: AsyncSession, return_id: uuid.UUID, *, lock: bool = False) -> Return | None:
    stmt = select(Return).where(Return.id == return_id)
    if lock:
        # Values read under the lock, never the session's copy read before it.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    found: Return | None = await session.scalar(stmt)
    return found


async def of_order(session: AsyncSession, order_id: uuid.UUID) -> list[Return]:
    rows = await session.scalars(
        select(Return).where(Return.order_id == order_id).order_by(Return.requested_at, Return.id)
    )
    return list(rows)


async def lines_of(
    session: AsyncSession, return_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ReturnLine]]:
    found: dict[uuid.UUID, list[ReturnLine]] = {return_id: [] for return_id in return_ids}
    if not return_ids:
        return found
    rows = await session.scalars(
        select(ReturnLine)
        .where(ReturnLine.return_id.in_(list(return_ids)))
        .order_by(ReturnLine.sku, ReturnLine.order_line_id)
    )
    for line in rows:
        found[line.return_id].append(line)
    return found


async def units_taken(session: AsyncSession, order_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Per order line, the units in the order's returns that were not rejected."""
    rows = await session.execute(
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(Return, Return.id == ReturnLine.return_id)
        .where(Return.order_id == order_id, Return.status != RETURN_REJECTED)
        .group_by(ReturnLine.order_line_id)
    )
    return {line_id: int(units) for line_id, units in rows.all()}


async def units_refunded_before(
    session: AsyncSession, order_id: uuid.UUID, return_id: uuid.UUID
) -> dict[uuid.UUID, int]:
    """Per order line, the units of the order's other returns already received
    (whose refund was fixed before this one's)."""
    rows = await session.execute(
        select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
        .join(Return, Return.id == ReturnLine.return_id)
        .where(
            Return.order_id == order_id,
            Return.id != return_id,
            Return.refund_amount.is_not(None),
        )
        .group_by(ReturnLine.order_line_id)
    )
    return {line_id: int(units) for line_id, units in rows.all()}


async def vendor_page(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID], params: PageParams, status: str | None
) -> Page[Return]:
    stmt = select(Return).where(Return.vendor_id.in_(list(vendor_ids)))
    if status is not None:
        stmt = stmt.where(Return.status == status)
    return await entity_page(
        session, stmt, key=[Return.requested_at, Return.id], params=params, direction="desc"
    )
