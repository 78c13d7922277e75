"""The payment service's public bodies, and how a payment or a refund is answered."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from agora_contracts.common import Money
from agora_payment.adapters.provider import OnboardingLink
from agora_payment.api import examples
from agora_payment.models import ConnectAccount, Payment, Payout, Refund
from agora_payment.service.payments import CONFIRMABLE
from agora_payment.service.vendors import VENDOR_STATUS, VendorPayoutStatus


def _storable(value: str) -> str:
    """Text PostgreSQL can store: no NUL byte, no lone surrogate (422, not 500)."""
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("contains a NUL character or invalid Unicode")
    return value


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.CONFIRM_IN)

    payment_method: str = Field(
        min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_]+$", examples=["pm_card_visa"]
    )


class PaymentOut(BaseModel):
    id: UUID
    order_id: UUID
    status: str
    amount: Money
    refunded: Money
    client_secret: str | None = Field(description="Only while the payment awaits confirmation")
    failure_code: str | None
    created_at: datetime
    updated_at: datetime


class AdminPaymentOut(BaseModel):
    """A payment as an admin sees it: whose and of which order, never its client
    secret; what is left to refund is ``amount`` less ``refunded``."""

    id: UUID
    order_id: UUID
    order_number: str | None
    buyer_id: UUID
    status: str
    amount: Money
    refunded: Money
    provider: str
    failure_code: str | None
    created_at: datetime
    updated_at: datetime


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.REFUND_IN)

    amount: int | None = Field(
        default=None, gt=0, le=10**12, description="Minor units; all that is left when absent"
    )
    reason: Annotated[str, Field(max_length=500), AfterValidator(_storable)] | None = None


class RefundOut(BaseModel):
    id: UUID
    payment_id: UUID
    amount: Money
    total_refunded: Money
    status: str = "succeeded"


def payment_out(payment: Payment) -> PaymentOut:
    """The payment as its buyer sees it: the client secret only while it awaits
    confirmation."""
    secret = payment.client_secret if payment.status in CONFIRMABLE else None
    return PaymentOut(
        id=payment.id,
        order_id=payment.order_id,
        status=payment.status,
        amount=Money(amount=payment.amount, currency=payment.currency),
        refunded=Money(amount=payment.refunded_amount, currency=payment.currency),
        client_secret=secret,
        failure_code=payment.failure_code,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
    )


def admin_payment_out(payment: Payment) -> AdminPaymentOut:
    return AdminPaymentOut(
        id=payment.id,
        order_id=payment.order_id,
        order_number=payment.order_number,
        buyer_id=payment.buyer_id,
        status=payment.status,
        amount=Money(amount=payment.amount, currency=payment.currency),
        refunded=Money(amount=payment.refunded_amount, currency=payment.currency),
        provider=payment.provider,
        failure_code=payment.failure_code,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
    )


def refund_out(refund: Refund, payment: Payment) -> RefundOut:
    """A refund just made of ``payment``, with all that is refunded of it now."""
    return RefundOut(
        id=refund.id,
        payment_id=payment.id,
        amount=Money(amount=refund.amount, currency=payment.currency),
        total_refunded=Money(amount=payment.refunded_amount, currency=payment.currency),
    )


class VendorPayoutOut(BaseModel):
    id: UUID
    order_id: UUID
    vendor_id: UUID
    status: VendorPayoutStatus = Field(
        description="`held` until delivery or the end of the hold period, `paid` once "
        "transferred, `reversed` when refunds took all of it back"
    )
    gross: Money = Field(description="What the buyer paid for the store's part")
    fee: Money = Field(description="The platform's fee on it")
    amount: Money = Field(description="The store's share: gross less the fee")
    reversed: Money = Field(description="What refunds took back of the share so far")
    net: Money = Field(description="What the store keeps: amount less reversed")
    release_at: datetime | None = Field(description="When a held payout is paid at the latest")
    paid_at: datetime | None
    created_at: datetime


def vendor_payout_out(payout: Payout, order_id: UUID) -> VendorPayoutOut:
    def money(value: int) -> Money:
        return Money(amount=value, currency=payout.currency)

    return VendorPayoutOut(
        id=payout.id,
        order_id=order_id,
        vendor_id=payout.vendor_id,
        status=VENDOR_STATUS[payout.status],
        gross=money(payout.gross),
        fee=money(payout.fee),
        amount=money(payout.amount),
        reversed=money(payout.reversed_amount),
        net=money(payout.amount - payout.reversed_amount),
        release_at=payout.release_at,
        paid_at=payout.paid_at,
        created_at=payout.created_at,
    )


KycStatus = Literal["pending", "verified", "rejected"]


class ConnectAccountOut(BaseModel):
    vendor_id: UUID
    account_id: str = Field(description="The store's Stripe Connect account")
    kyc_status: KycStatus = Field(
        description="`pending` until onboarding is done and Stripe enables the account, "
        "`verified` once it may take charges and be paid, `rejected` when Stripe refused it"
    )
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    disabled_reason: str | None = Field(description="Stripe's reason, while it is disabled")
    requirements_due: list[str] = Field(description="What Stripe still asks of the store")
    payouts_held: bool = Field(
        description="True while payouts wait for charges and payouts to be enabled"
    )
    created_at: datetime
    updated_at: datetime


class ConnectOnboardingOut(ConnectAccountOut):
    onboarding_url: str = Field(description="Where the store's owner onboards (single use)")
    onboarding_expires_at: datetime


class SandboxOnboardingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.SANDBOX_ONBOARDING_IN)

    outcome: Literal["verified", "rejected", "pending"] = Field(
        description="How Stripe's onboarding ends: `verified` enables charges and payouts, "
        "`rejected` refuses the account, `pending` leaves details due"
    )


def connect_account_out(account: ConnectAccount) -> ConnectAccountOut:
    return ConnectAccountOut(**_connect_fields(account))


def connect_onboarding_out(account: ConnectAccount, link: OnboardingLink) -> ConnectOnboardingOut:
    return ConnectOnboardingOut(
        **_connect_fields(account), onboarding_url=link.url, onboarding_expires_at=link.expires_at
    )


def _connect_fields(account: ConnectAccount) -> dict[str, object]:
    return {
        "vendor_id": account.vendor_id,
        "account_id": account.account_id,
        "kyc_status": account.kyc_status,
        "charges_enabled": account.charges_enabled,
        "payouts_enabled": account.payouts_enabled,
        "details_submitted": account.details_submitted,
        "disabled_reason": account.disabled_reason,
        "requirements_due": list(account.currently_due),
        "payouts_held": not account.payable,
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }
