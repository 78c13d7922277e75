"""Helpers for the payment service's tests (and the end-to-end ones): a payment intent
as the order service's saga asks for it, the ledger as a test reads it, a fresh
Idempotency-Key, and a store's connected account that may be paid. Test support,
outside the service's package: never shipped. Event delivery and the outbox come from
:mod:`agora_kit.testing.events`, signed tokens from :mod:`agora_kit.testing.tokens`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from agora_contracts.common import Money
from agora_contracts.order import PaymentRequested
from agora_kit.testing.events import deliver, outbox_events
from agora_payment.models import ConnectAccount, LedgerEntry, Payment, Payout

INTENT_CREATED = "agora.payment.payment.intent_created.v1"


async def requested_intent(app: FastAPI, buyer_id: uuid.UUID, amount: int = 1000) -> dict[str, str]:
    """Deliver ``PaymentRequested`` for a new order of ``buyer_id`` (``amount`` cents,
    USD) and return the ``order_id`` and ``payment_id`` of the one intent it made."""
    order_id = uuid.uuid4()
    await deliver(
        app,
        PaymentRequested(
            order_id=order_id, buyer_id=buyer_id, amount=Money(amount=amount, currency="USD")
        ),
        str(order_id),
    )
    events = await outbox_events(app, INTENT_CREATED)
    [made] = [e for e in events if e["data"]["order_id"] == str(order_id)]
    return {"order_id": str(order_id), "payment_id": made["data"]["payment_id"]}


async def ledger_balances(app: FastAPI) -> dict[str, int]:
    """Each account's balance; and every transaction must sum to zero."""
    async with app.state.database.transaction() as session:
        unbalanced = list(
            await session.scalars(
                select(LedgerEntry.transaction_id)
                .group_by(LedgerEntry.transaction_id)
                .having(func.sum(LedgerEntry.amount) != 0)
            )
        )
        assert unbalanced == [], f"unbalanced ledger transactions: {unbalanced}"
        rows = await session.execute(
            select(LedgerEntry.account, func.sum(LedgerEntry.amount)).group_by(LedgerEntry.account)
        )
        return {account: int(total) for account, total in rows.all()}


async def overpaid(app: FastAPI) -> dict[str, int]:
    """Each payment whose books break ``net payouts + net fees + refunds <= captured``,
    and by how much. A payout's net fee is its fee less the fee's refunded part
    (rounded up); a cancelled payout counts nothing."""
    async with app.state.database.transaction() as session:
        found: dict[str, int] = {}
        for payment in await session.scalars(select(Payment)):
            if payment.status != "succeeded":
                continue
            spent = payment.refunded_amount
            for payout in await session.scalars(
                select(Payout).where(Payout.payment_id == payment.id)
            ):
                if payout.status == "cancelled":
                    continue
                fee_back = -(-payout.fee * payment.refunded_amount // payment.amount)
                spent += payout.amount - payout.reversed_amount + payout.fee - fee_back
            if spent > payment.amount:
                found[str(payment.id)] = spent - payment.amount
        return found


def keyed(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with a fresh ``Idempotency-Key``: a new request, not a retry."""
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


async def payable(app: FastAPI, *vendor_ids: uuid.UUID) -> None:
    """Give each store a verified connected account that may be paid (as if its owner
    had finished Stripe's onboarding), unless it has one already."""
    async with app.state.database.transaction() as session:
        for vendor_id in vendor_ids:
            await session.execute(
                pg_insert(ConnectAccount)
                .values(
                    vendor_id=vendor_id,
                    account_id=f"acct_test_{vendor_id.hex[:16]}",
                    charges_enabled=True,
                    payouts_enabled=True,
                    details_submitted=True,
                    currently_due=[],
                    kyc_status="verified",
                )
                .on_conflict_do_nothing()
            )
