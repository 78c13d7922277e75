"""Queries on ``payouts``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_payment.models import HELD, ConnectAccount, Payout


async def vendors_of(session: AsyncSession, payment_id: uuid.UUID) -> set[uuid.UUID]:
    """The vendors the payment already has a payout for."""
    return set(
        await session.scalars(select(Payout.vendor_id).where(Payout.payment_id == payment_id))
    )


async def locked_of(session: AsyncSession, payment_id: uuid.UUID) -> list[Payout]:
    """The payment's payouts by vendor, locked until the transaction ends."""
    return list(
        await session.scalars(
            select(Payout)
            .where(Payout.payment_id == payment_id)
            .order_by(Payout.vendor_id)
            .with_for_update()
        )
    )


async def due_payments(session: AsyncSession, at: datetime, *, batch: int) -> list[uuid.UUID]:
    """Payments with a held payout whose hold is over by ``at`` and whose vendor's
    connected account may be paid, or that has nothing to transfer (the others stay
    held, ADR 0104)."""
    return list(
        await session.scalars(
            select(Payout.payment_id)
            .outerjoin(ConnectAccount, ConnectAccount.vendor_id == Payout.vendor_id)
            .where(
                Payout.status == HELD,
                Payout.release_at <= at,
                or_(
                    and_(ConnectAccount.charges_enabled, ConnectAccount.payouts_enabled),
                    Payout.amount <= Payout.reversed_amount,
                ),
            )
            .group_by(Payout.payment_id)
            .limit(batch)
        )
    )
