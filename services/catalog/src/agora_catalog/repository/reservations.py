"""The queries on the checkout saga's reservations and their lines, keyed by order id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import (
    RESERVATION_ACTIVE,
    RESERVATION_RELEASED,
    Reservation,
    ReservationLine,
)

# A new reservation, returned whole (the ORM's object, no second read); nothing when
# the order has one. As text: SQLAlchemy 2.0 does not cache the PostgreSQL dialect's
# INSERT .. ON CONFLICT and would compile it again for every order.
_CREATE_ACTIVE = text(
    "INSERT INTO reservations (order_id, buyer_id, status, expires_at)"
    " VALUES (:order_id, :buyer_id, :status, :expires_at)"
    " ON CONFLICT DO NOTHING"
    " RETURNING order_id, buyer_id, status, expires_at, created_at, updated_at"
)


async def create_active(
    session: AsyncSession,
    order_id: uuid.UUID,
    *,
    buyer_id: uuid.UUID | None,
    expires_at: datetime,
) -> Reservation | None:
    """A new active reservation for the order; None when the order already has one
    (a second request for the same order waits on the first's row, then finds it)."""
    created: Reservation | None = await session.scalar(
        select(Reservation).from_statement(_CREATE_ACTIVE),
        {
            "order_id": order_id,
            "buyer_id": buyer_id,
            "status": RESERVATION_ACTIVE,
            "expires_at": expires_at,
        },
    )
    return created


async def lock_reservation(session: AsyncSession, order_id: uuid.UUID) -> Reservation | None:
    """The order's reservation, locked, with the values read under the lock."""
    reservation: Reservation | None = await session.scalar(
        select(Reservation)
        .where(Reservation.order_id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return reservation


async def mark_released(session: AsyncSession, order_id: uuid.UUID) -> None:
    """A released reservation with no lines for an order not seen yet, so that its late
    request reserves nothing (kept as it is if the order has one by now)."""
    await session.execute(
        pg_insert(Reservation)
        .values(order_id=order_id, status=RESERVATION_RELEASED)
        .on_conflict_do_nothing()
    )


async def lines_of(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[ReservationLine]:
    return list(
        await session.scalars(
            select(ReservationLine)
            .where(ReservationLine.order_id.in_(order_ids))
            .order_by(ReservationLine.order_id, ReservationLine.sku)
        )
    )


async def delete_lines(session: AsyncSession, order_id: uuid.UUID) -> None:
    await session.execute(delete(ReservationLine).where(ReservationLine.order_id == order_id))


async def lock_due(session: AsyncSession, *, now: datetime, batch: int) -> list[Reservation]:
    """Active reservations whose deadline passed, oldest first, locked; rows another
    replica's sweep holds are skipped (SKIP LOCKED)."""
    return list(
        await session.scalars(
            select(Reservation)
            .where(Reservation.status == RESERVATION_ACTIVE, Reservation.expires_at <= now)
            .order_by(Reservation.expires_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )
