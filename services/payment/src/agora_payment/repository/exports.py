"""The payouts and the ledger of a range, for the admin's exports (ADR 0101): each
with its payment's order, ordered and cut into batches by the caller on ``*_KEY``; their
columns in the order of the fields of the rows the API answers with (the CSV header)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from agora_payment.models import LedgerEntry, Payment, Payout

PAYOUT_KEY = (Payout.created_at, Payout.id)
LEDGER_KEY = (LedgerEntry.created_at, LedgerEntry.id)


def payouts(start: datetime, end: datetime) -> Select[Any]:
    """Every payout made in [start, end), whatever its state since."""
    return (
        select(
            Payout.id,
            Payout.created_at,
            Payout.status,
            Payout.vendor_id,
            Payment.order_id,
            Payout.payment_id,
            Payout.currency,
            Payout.gross,
            Payout.fee,
            Payout.amount,
            Payout.reversed_amount,
            Payout.release_at,
            Payout.paid_at,
            Payout.provider_transfer_id,
        )
        .join(Payment, Payment.id == Payout.payment_id)
        .where(Payout.created_at >= start, Payout.created_at < end)
    )


def ledger(start: datetime, end: datetime) -> Select[Any]:
    """Every leg written in [start, end)."""
    return (
        select(
            LedgerEntry.id,
            LedgerEntry.created_at,
            LedgerEntry.transaction_id,
            LedgerEntry.account,
            LedgerEntry.currency,
            LedgerEntry.amount,
            LedgerEntry.memo,
            LedgerEntry.payment_id,
            Payment.order_id,
        )
        .join(Payment, Payment.id == LedgerEntry.payment_id)
        .where(LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
    )
