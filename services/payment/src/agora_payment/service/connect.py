"""Stripe Connect onboarding (ADR 0104): each store gets one Express connected account
at the provider, and a fresh onboarding link whenever its owner asks. The account's
state arrives with Stripe's ``account.updated`` webhook (or the sandbox's own); from
it the vendor's KYC status is derived (``kyc_of``) and published
(``ConnectAccountUpdated``), and when the account may first be paid, the vendor's held
payouts that are due are paid by the usual payout path (:mod:`.payouts`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.payment import ConnectAccountUpdated
from agora_kit import audit
from agora_kit.errors import Forbidden, NotFound
from agora_kit.events.outbox import Outbox
from agora_payment.adapters.provider import ConnectedAccount, OnboardingLink, PaymentProvider
from agora_payment.models import KYC_PENDING, KYC_REJECTED, KYC_VERIFIED, ConnectAccount
from agora_payment.repository import connect as connect_rows
from agora_payment.repository import payments as payment_rows
from agora_payment.repository import vendors as vendor_rows
from agora_payment.service import payouts
from agora_payment.settings import Settings

# How many payments' held payouts an ``account.updated`` pays at once; the sweep
# (``tasks.release_held_payouts``) pays the rest.
RELEASE_BATCH = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def kyc_of(account: ConnectedAccount | ConnectAccount) -> str:
    """``rejected`` when Stripe refused the account, ``verified`` once it may take
    charges and be paid with its details submitted, else ``pending``."""
    if (account.disabled_reason or "").startswith("rejected"):
        return KYC_REJECTED
    if account.charges_enabled and account.payouts_enabled and account.details_submitted:
        return KYC_VERIFIED
    return KYC_PENDING


async def store_of(session: AsyncSession, user_id: uuid.UUID) -> uuid.UUID:
    """The store the user owns (one per user); Forbidden when none."""
    mine = await vendor_rows.owned_by(session, user_id)
    if not mine:
        raise Forbidden("You have no store.")
    return sorted(mine)[0]


async def of_vendor(session: AsyncSession, vendor_id: uuid.UUID) -> ConnectAccount:
    account = await connect_rows.of_vendor(session, vendor_id)
    if account is None:
        raise NotFound(f"Store {vendor_id} has no connected account yet.")
    return account


async def onboard(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    settings: Settings,
    vendor_id: uuid.UUID,
) -> tuple[ConnectAccount, OnboardingLink, bool]:
    """The store's connected account (made at the provider the first time) and a fresh
    onboarding link; True when the account was made now. The provider's key is the
    store's, so a retry after a crash between the provider's answer and our commit
    gets the same account, not a second one."""
    account = await connect_rows.of_vendor(session, vendor_id, lock=True)
    made = False
    if account is None:
        created = await provider.create_account(
            vendor_id=str(vendor_id),
            country=settings.connect_country,
            idempotency_key=f"connect-account-{vendor_id}",
        )
        # The state at creation is older than any event Stripe sends of the account.
        row = ConnectAccount(vendor_id=vendor_id, account_id=created.id, state_at=EPOCH)
        _set(row, created)
        made = await connect_rows.add_first(session, row)
        account = await connect_rows.of_vendor(session, vendor_id, lock=True)
        assert account is not None
        if made:
            await _publish(session, outbox, account)
            await audit.record(
                session,
                outbox,
                action="connect_account.create",
                resource_type="connect_account",
                resource_id=vendor_id,
                after={"account_id": account.account_id, "kyc_status": account.kyc_status},
            )
    link = await provider.onboarding_link(
        account.account_id,
        refresh_url=settings.connect_refresh_url,
        return_url=settings.connect_return_url,
    )
    return account, link, made


def _facts(row: ConnectAccount) -> tuple[object, ...]:
    """What a store's account event tells (``currently_due`` alone changes nothing)."""
    return (
        row.charges_enabled,
        row.payouts_enabled,
        row.details_submitted,
        row.disabled_reason,
        row.kyc_status,
    )


def _set(row: ConnectAccount, state: ConnectedAccount) -> None:
    row.charges_enabled = state.charges_enabled
    row.payouts_enabled = state.payouts_enabled
    row.details_submitted = state.details_submitted
    row.disabled_reason = state.disabled_reason
    row.currently_due = list(state.currently_due)
    row.kyc_status = kyc_of(state)


async def _publish(session: AsyncSession, outbox: Outbox, account: ConnectAccount) -> None:
    await outbox.add(
        session,
        ConnectAccountUpdated(
            vendor_id=account.vendor_id,
            account_id=account.account_id,
            kyc_status=account.kyc_status,
            charges_enabled=account.charges_enabled,
            payouts_enabled=account.payouts_enabled,
            details_submitted=account.details_submitted,
            disabled_reason=account.disabled_reason,
            updated_at=account.updated_at,
        ),
        key=str(account.vendor_id),
    )


async def updated(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    state: ConnectedAccount,
    *,
    at: datetime,
) -> None:
    """Apply the provider's report of an account (``account.updated``, created at
    ``at``): ignored for an account that is not a store's, or older than the state
    already applied (Stripe does not promise order). Publishes the change; when the
    account may now be paid and could not before, pays the store's due held payouts."""
    for row in await connect_rows.by_account_locked(session, state.id):
        if at < row.state_at:
            continue
        before, could_pay = _facts(row), row.payable
        _set(row, state)
        row.state_at = at
        if _facts(row) != before:
            row.updated_at = datetime.now(UTC)
            await session.flush()
            await _publish(session, outbox, row)
        if row.payable and not could_pay:
            await release_due(session, outbox, provider, row.vendor_id, at=payouts.now())


async def release_due(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    vendor_id: uuid.UUID,
    *,
    at: datetime,
) -> int:
    """Pay the store's held payouts whose hold is over by ``at`` (delivered ones are
    due at once), through the usual path and its idempotency keys; how many payments
    were looked at."""
    due = await connect_rows.due_payments_of(session, vendor_id, at, batch=RELEASE_BATCH)
    for payment_id in due:
        payment = await payment_rows.locked(session, payment_id)
        if payment is not None:
            await payouts.release(
                session, outbox, provider, payment, vendor_id=vendor_id, due_by=at
            )
    return len(due)
