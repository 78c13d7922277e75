"""Queries on ``payments``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.pagination import Page, PageParams, entity_page
from agora_payment.models import Payment


async def locked(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    """The payment, locked until the transaction ends."""
    payment: Payment | None = await session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update()
    )
    return payment


async def by_order(session: AsyncSession, order_id: uuid.UUID) -> Payment | None:
    """The order's payment, locked until the transaction ends."""
    payment: Payment | None = await session.scalar(
        select(Payment).where(Payment.order_id == order_id).with_for_update()
    )
    return payment


async def by_intent(session: AsyncSession, intent_id: str) -> Payment | None:
    """The payment of the provider's intent, locked until the transaction ends."""
    payment: Payment | None = await session.scalar(
        select(Payment).where(Payment.provider_intent_id == intent_id).with_for_update()
    )
    return payment


async def of_buyer(
    session: AsyncSession, buyer_id: uuid.UUID, *, order_id: uuid.UUID | None, limit: int
) -> Sequence[Payment]:
    """The buyer's payments (of one order with ``order_id``), newest first."""
    stmt = select(Payment).where(Payment.buyer_id == buyer_id)
    if order_id is not None:
        stmt = stmt.where(Payment.order_id == order_id)
    return (await session.scalars(stmt.order_by(Payment.created_at.desc()).limit(limit))).all()


async def page(
    session: AsyncSession,
    params: PageParams,
    *,
    order_id: uuid.UUID | None,
    order_number: str | None,
    status: str | None,
) -> Page[Payment]:
    """Every buyer's payments, newest first, narrowed by whichever filter is given."""
    stmt = select(Payment)
    if order_id is not None:
        stmt = stmt.where(Payment.order_id == order_id)
    if order_number is not None:
        stmt = stmt.where(Payment.order_number == order_number)
    if status is not None:
        stmt = stmt.where(Payment.status == status)
    return await entity_page(
        session, stmt, key=[Payment.created_at, Payment.id], params=params, direction="desc"
    )


async def count_of_buyer(
    session: AsyncSession, buyer_id: uuid.UUID, *, status: str, since: datetime
) -> int:
    """How many of the buyer's payments are in ``status`` and changed at or after
    ``since``: a time of this service's clock, which stamps ``updated_at`` (ADR 0107;
    the database's clock may differ from it)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Payment)
        .where(
            Payment.buyer_id == buyer_id,
            Payment.status == status,
            Payment.updated_at >= since,
        )
    )
    return count or 0
