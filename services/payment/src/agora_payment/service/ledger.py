"""The double-entry ledger: each movement is legs of one transaction summing to zero.

Accounts: ``provider_balance`` (money held at the payment provider for us) and
``buyer_payments`` (what buyers paid, less refunds): a payment moves money from the
buyer into the provider balance, a refund moves it back, a payout moves a vendor's
share (less the platform's fee, which stays in the balance) out to ``vendor_payouts``,
and a payout reversal (a refund after shipment) brings part of it back.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agora_payment.models import LedgerEntry, Payment

PROVIDER_BALANCE = "provider_balance"
BUYER_PAYMENTS = "buyer_payments"
VENDOR_PAYOUTS = "vendor_payouts"


async def record(
    session: AsyncSession, payment: Payment, legs: list[tuple[str, int]], memo: str
) -> uuid.UUID:
    if sum(amount for _, amount in legs) != 0:
        raise ValueError(f"a ledger transaction must balance: {legs}")
    transaction_id = uuid.uuid4()
    for account, amount in legs:
        session.add(
            LedgerEntry(
                transaction_id=transaction_id,
                account=account,
                amount=amount,
                currency=payment.currency,
                payment_id=payment.id,
                memo=memo,
            )
        )
    await session.flush()
    return transaction_id


async def charge(session: AsyncSession, payment: Payment) -> None:
    await record(
        session,
        payment,
        [(PROVIDER_BALANCE, payment.amount), (BUYER_PAYMENTS, -payment.amount)],
        "charge",
    )


async def refund(session: AsyncSession, payment: Payment, amount: int) -> None:
    await record(
        session, payment, [(PROVIDER_BALANCE, -amount), (BUYER_PAYMENTS, amount)], "refund"
    )


async def payout(session: AsyncSession, payment: Payment, amount: int) -> None:
    await record(
        session, payment, [(PROVIDER_BALANCE, -amount), (VENDOR_PAYOUTS, amount)], "payout"
    )


async def payout_reversal(session: AsyncSession, payment: Payment, amount: int) -> None:
    await record(
        session,
        payment,
        [(PROVIDER_BALANCE, amount), (VENDOR_PAYOUTS, -amount)],
        "payout_reversal",
    )
