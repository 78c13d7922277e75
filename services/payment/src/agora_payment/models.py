"""The payment service's tables. Its outbox, inbox and dead-letter tables come from
``agora_kit.events.tables`` and share its database and migrations.

Money is integer minor units; the ledger is double-entry: every movement is two (or
more) rows of one ``transaction_id`` whose amounts sum to zero.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from agora_kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


def _now() -> MappedColumn[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class Payment(Base):
    """One order's payment: an intent at the provider, then its outcome."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("refunded_amount <= amount", name="never_over_refunded"),
        Index("ix_payments_created_at_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, unique=True)
    buyer_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    order_number: Mapped[str | None] = mapped_column(String(32), index=True)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    provider_intent_id: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    # NULL once the buyer is erased (ADR 0112).
    client_secret: Mapped[str | None] = mapped_column(Text)
    payment_method: Mapped[str | None] = mapped_column(String(255))
    failure_code: Mapped[str | None] = mapped_column(String(64))
    refunded_amount: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # Vendor id to what its sub-order earns (minor units), for payouts.
    vendor_amounts: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    # With a platform-funded discount: vendor id to its list-price subtotal (ADR 0045).
    vendor_list_amounts: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, default=dict, server_default="{}"
    )
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()


class Refund(Base):
    """Money given back on a payment. ``request_id`` (the order service's
    ``RefundRequested``, or the admin call's own id) refunds once however often asked."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(
        PGUUID(as_uuid=True), ForeignKey("payments.id"), nullable=False, index=True
    )
    request_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, unique=True)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    provider_refund_id: Mapped[str] = mapped_column(String(255), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


class LedgerEntry(Base):
    """One leg of a double-entry movement: a signed amount on an account."""

    __tablename__ = "ledger_entries"
    # The ledger export reads a range of creation times (ADR 0101).
    __table_args__ = (Index("ix_ledger_entries_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        PGUUID(as_uuid=True), nullable=False, index=True
    )
    account: Mapped[str] = mapped_column(String(64), nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    payment_id: Mapped[uuid.UUID] = mapped_column(
        PGUUID(as_uuid=True), ForeignKey("payments.id"), nullable=False, index=True
    )
    memo: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = _now()


class WebhookEvent(Base):
    """A provider webhook already handled (by its event id): a redelivery is dropped."""

    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(128), nullable=False)
    received_at: Mapped[datetime] = _now()


# Payout.status (``status_known`` below).
HELD = "held"
PAID = "paid"
CANCELLED = "cancelled"
REVERSED = "reversed"


class Payout(Base):
    """A vendor's share of a paid order, less the platform fee: ``held`` from shipment
    until delivery or ``release_at``, then ``paid`` (transferred to the vendor's
    connected account), or ``cancelled`` when refunds took all of it while held.
    ``reversed_amount`` is what refunds took back since (reductions while held,
    transfer reversals once paid; ``reversed`` when that is all of it). One per
    payment and vendor (ADR 0045)."""

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("payment_id", "vendor_id"),
        CheckConstraint("amount >= 0 AND fee >= 0", name="amounts_non_negative"),
        CheckConstraint(
            "reversed_amount >= 0 AND reversed_amount <= amount", name="reversal_within_payout"
        ),
        CheckConstraint("status IN ('held', 'paid', 'cancelled', 'reversed')", name="status_known"),
        Index("ix_payouts_status_release_at", "status", "release_at"),
        Index("ix_payouts_created_at_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(
        PGUUID(as_uuid=True), ForeignKey("payments.id"), nullable=False, index=True
    )
    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)
    gross: Mapped[int] = mapped_column(BigInteger, nullable=False)
    fee: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="paid")
    release_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_transfer_id: Mapped[str | None] = mapped_column(String(255))
    reversed_amount: Mapped[int] = mapped_column(
        BigInteger, nullable=False, default=0, server_default="0"
    )
    created_at: Mapped[datetime] = _now()


class Vendor(Base):
    """Which user owns which store, from the catalog's vendor events: a vendor's
    ``/vendors/me/payouts`` lists the payouts of the stores the caller owns."""

    __tablename__ = "vendors"

    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), nullable=False, index=True)


# ConnectAccount.kyc_status (``kyc_known`` below).
KYC_PENDING = "pending"
KYC_VERIFIED = "verified"
KYC_REJECTED = "rejected"


class ConnectAccount(Base):
    """A vendor's Stripe Connect (Express) account, one per store (ADR 0104): its
    state as the provider last reported it (``account.updated``, applied in the order
    Stripe created the events, ``state_at``) and the KYC status derived from it. A
    vendor's payouts are held while ``charges_enabled`` or ``payouts_enabled`` is
    false."""

    __tablename__ = "connect_accounts"
    __table_args__ = (
        CheckConstraint("kyc_status IN ('pending', 'verified', 'rejected')", name="kyc_known"),
    )

    vendor_id: Mapped[uuid.UUID] = mapped_column(PGUUID(as_uuid=True), primary_key=True)
    # Not unique: Stripe never gives two accounts one id, but stripe-mock, the fleet's
    # Stripe in tests, answers every create with its one fixture account.
    account_id: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    charges_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    payouts_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    details_submitted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    disabled_reason: Mapped[str | None] = mapped_column(String(64))
    currently_due: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    kyc_status: Mapped[str] = mapped_column(String(16), nullable=False)
    state_at: Mapped[datetime] = _now()
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()

    @property
    def payable(self) -> bool:
        return self.charges_enabled and self.payouts_enabled
