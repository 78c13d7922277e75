"""Queries on ``connect_accounts``, the vendors' Stripe Connect accounts (ADR 0104)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_payment.models import HELD, ConnectAccount, Payout


async def of_vendor(
    session: AsyncSession, vendor_id: uuid.UUID, *, lock: bool = False
) -> ConnectAccount | None:
    statement = select(ConnectAccount).where(ConnectAccount.vendor_id == vendor_id)
    account: ConnectAccount | None = await session.scalar(
        statement.with_for_update() if lock else statement
    )
    return account


async def by_account_locked(session: AsyncSession, account_id: str) -> list[ConnectAccount]:
    """The rows of the provider's account (one, but for stripe-mock's fixture account),
    locked until the transaction ends."""
    rows = await session.scalars(
        select(ConnectAccount)
        .where(ConnectAccount.account_id == account_id)
        .order_by(ConnectAccount.vendor_id)
        .with_for_update()
    )
    return list(rows)


async def add_first(session: AsyncSession, row: ConnectAccount) -> bool:
    """Insert the vendor's account; False when it already had one (a concurrent call)."""
    made = await session.execute(
        pg_insert(ConnectAccount)
        .values(
            vendor_id=row.vendor_id,
            account_id=row.account_id,
            charges_enabled=row.charges_enabled,
            payouts_enabled=row.payouts_enabled,
            details_submitted=row.details_submitted,
            disabled_reason=row.disabled_reason,
            currently_due=row.currently_due,
            kyc_status=row.kyc_status,
            state_at=row.state_at,
        )
        .on_conflict_do_nothing(index_elements=[ConnectAccount.vendor_id])
        .returning(ConnectAccount.vendor_id)
    )
    return made.first() is not None


async def payable(session: AsyncSession, vendor_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Vendor id to account id, for those of ``vendor_ids`` whose account may be paid."""
    rows = await session.execute(
        select(ConnectAccount.vendor_id, ConnectAccount.account_id).where(
            ConnectAccount.vendor_id.in_(list(vendor_ids)),
            ConnectAccount.charges_enabled,
            ConnectAccount.payouts_enabled,
        )
    )
    return dict(rows.tuples().all())


async def due_payments_of(
    session: AsyncSession, vendor_id: uuid.UUID, at: datetime, *, batch: int
) -> list[uuid.UUID]:
    """Payments with a held payout of the vendor whose hold is over by ``at``."""
    return list(
        await session.scalars(
            select(Payout.payment_id)
            .where(Payout.vendor_id == vendor_id, Payout.status == HELD, Payout.release_at <= at)
            .order_by(Payout.payment_id)
            .limit(batch)
        )
    )
