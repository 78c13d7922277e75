"""Events of the payment service's payment aggregate: one topic, keyed by payment id.

The order service's saga acts on them (a failed payment cancels or retries the order);
the notification service tells the buyer when a payment fails. Minimal on purpose: the
payment service adds fields (with defaults) as it needs them.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from agora_contracts.common import Money
from agora_contracts.events import EventPayload, topic_name

PAYMENT_TOPIC = topic_name("payment", "payment")


class _PaymentEvent(EventPayload):
    topic: ClassVar[str] = PAYMENT_TOPIC

    payment_id: UUID
    order_id: UUID


class PaymentFailed(_PaymentEvent):
    """The provider declined or the payment errored (in the sandbox,
    ``pm_card_chargeDeclined``). ``reason`` is shown to the buyer, so it should be words
    a buyer understands ("Your card was declined."), never a provider's raw error;
    ``failure_code`` is the provider's code (``card_declined``) for logs and support.
    Each failed attempt is its own event: a buyer retrying with another card is told
    about each failure."""

    event_type: ClassVar[str] = "agora.payment.payment.failed.v1"

    buyer_id: UUID
    reason: str
    failure_code: str | None = None
    amount: Money | None = None
    failed_at: datetime | None = None
    order_number: str | None = None


class PaymentRefunded(_PaymentEvent):
    """Money went back to the buyer's payment method (``POST /admin/payments/{id}/refund``,
    full or partial). For the order service and the ledger: the buyer hears of the
    refund through the order service's ``OrderRefunded``, so the notification service
    does not mail this one (one refund, one mail)."""

    event_type: ClassVar[str] = "agora.payment.payment.refunded.v1"

    buyer_id: UUID
    amount: Money
    refund_id: UUID | None = None
    reason: str | None = None
    refunded_at: datetime | None = None
    total_refunded: Money | None = Field(
        default=None, description="Refunded so far, this one included"
    )
    request_id: UUID | None = Field(
        default=None,
        description=(
            "The ``RefundRequested.request_id`` this refund answers (for an admin's"
            " refund, its own id): how the order service knows which return was refunded"
        ),
    )


class PaymentIntentCreated(_PaymentEvent):
    """The provider holds an intent to charge ``amount`` for the order; the buyer's
    client confirms it with ``client_secret`` (``POST /payments/{id}/confirm``)."""

    event_type: ClassVar[str] = "agora.payment.payment.intent_created.v1"

    buyer_id: UUID
    amount: Money
    client_secret: str
    provider: str | None = None
    created_at: datetime | None = None


class PaymentSucceeded(_PaymentEvent):
    """The buyer paid ``amount``: the order service confirms the order."""

    event_type: ClassVar[str] = "agora.payment.payment.succeeded.v1"

    buyer_id: UUID
    amount: Money
    payment_method: str | None = Field(
        default=None, description="What the buyer paid with, for the receipt (e.g. 'Visa 4242')"
    )
    succeeded_at: datetime | None = None


class PayoutCreated(EventPayload):
    """A vendor was paid its share of a paid order, once its parcel was delivered or
    its hold period ended (ADR 0045): ``gross`` (what the buyer paid for its sub-order)
    less the platform's ``fee``; ``amount`` was transferred to the vendor's connected
    account (``transfer_id`` at the provider), less any part refunds took back while
    it was held. One per payment and vendor. For the vendor's statements and the books."""

    topic: ClassVar[str] = topic_name("payment", "payout")
    event_type: ClassVar[str] = "agora.payment.payout.created.v1"

    payout_id: UUID
    payment_id: UUID
    order_id: UUID
    vendor_id: UUID
    gross: Money
    fee: Money
    amount: Money
    transfer_id: str
    created_at: datetime | None = None


class PayoutReversed(EventPayload):
    """A refund of the payment took ``amount`` of a vendor's payout back (a transfer
    reversal): its share of the refund, less the platform fee's share.
    ``total_reversed`` is what has been taken back from this payout so far."""

    topic: ClassVar[str] = topic_name("payment", "payout")
    event_type: ClassVar[str] = "agora.payment.payout.reversed.v1"

    payout_id: UUID
    payment_id: UUID
    order_id: UUID
    vendor_id: UUID
    amount: Money
    total_reversed: Money
    reversal_id: str
    reversed_at: datetime | None = None


class ConnectAccountUpdated(EventPayload):
    """A vendor's Stripe Connect account was created or changed (ADR 0104): what it may
    do now and the vendor's KYC status derived from it: ``pending`` (onboarding not
    finished, or details due), ``verified`` (charges and payouts enabled, details
    submitted), ``rejected`` (Stripe refused the account: ``disabled_reason``
    ``rejected.*``). The vendor's payouts are held while ``charges_enabled`` or
    ``payouts_enabled`` is false. Keyed by vendor id; ``updated_at`` orders them."""

    topic: ClassVar[str] = topic_name("payment", "connect_account")
    event_type: ClassVar[str] = "agora.payment.connect_account.updated.v1"

    vendor_id: UUID
    account_id: str
    kyc_status: Literal["pending", "verified", "rejected"]
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    disabled_reason: str | None = None
    updated_at: datetime
