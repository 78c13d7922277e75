"""Vendor payouts (ADR 0045): when a vendor ships its part of a paid order, its share
is *held*; it is *paid* (transferred to the vendor's connected account) when the
parcel is delivered, or when the hold period has passed (``release_due``, run by a
background task), never before, and never while the vendor's Connect account may not
be paid (ADR 0104). A vendor's share is what the buyer paid for its
sub-order (``vendor_amounts``: the list-price subtotal less the sub-order's part of
the discount), less the platform fee (basis points, rounded half up). With a
platform-funded discount (``vendor_list_amounts``), the fee is charged on the list
price and the vendor's share made up from it, never beyond what was collected.

A refund while the payout is held reduces it (no transfer to reverse; a full refund
*cancels* it); a refund after it is paid takes the vendor's part back with transfer
reversals (*reversed* once all of it is). Either way the vendor gives back its payout
and the platform its fee in the proportion the payment was refunded, rounded up, so
that for every payment

    net payouts + net fees + refunds <= captured amount

and ``release`` checks it again before each transfer: the platform never pays out
more than it collected for an order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.common import Money
from agora_contracts.payment import PayoutCreated, PayoutReversed
from agora_kit.events.outbox import Outbox
from agora_payment.adapters.provider import PaymentProvider
from agora_payment.models import CANCELLED, HELD, PAID, REVERSED, Payment, Payout
from agora_payment.repository import connect as connect_rows
from agora_payment.repository import payouts as payout_rows
from agora_payment.service import ledger


def now() -> datetime:
    return datetime.now(UTC)


def fee_of(gross: int, fee_bps: int) -> int:
    return (gross * fee_bps * 2 + 10000) // 20000


def refunded_share(value: int, payment: Payment) -> int:
    """``value``'s part of what was refunded of ``payment``, rounded up (in the
    buyer's favour, never the payee's)."""
    return -(-value * payment.refunded_amount // payment.amount)


def net_fee(payout: Payout, payment: Payment) -> int:
    """The platform fee the payout's vendor still leaves to the platform after refunds."""
    if payout.status == CANCELLED:
        return 0
    return payout.fee - refunded_share(payout.fee, payment)


def share_of(payment: Payment, vendor: str, fee_bps: int) -> tuple[int, int, int]:
    """(gross, fee, amount) of one vendor: gross is what the buyer paid for its part."""
    gross = max(int(payment.vendor_amounts.get(vendor, 0)), 0)
    listed = payment.vendor_list_amounts.get(vendor)
    if listed is None:
        fee = fee_of(gross, fee_bps)
        return gross, fee, gross - fee
    # Platform-funded discount: the vendor is owed its list price less the fee, which
    # the platform pays from its fee, never beyond what the buyer paid for the part.
    amount = min(int(listed) - fee_of(int(listed), fee_bps), gross)
    return gross, gross - amount, amount


async def hold(
    session: AsyncSession,
    payment: Payment,
    fee_bps: int,
    *,
    release_at: datetime,
    vendor_id: uuid.UUID | None = None,
) -> list[Payout]:
    """Hold ``vendor_id``'s share (every vendor's when None) of ``payment`` (succeeded,
    locked by the caller) until ``release_at``; once per payment and vendor."""
    done = await payout_rows.vendors_of(session, payment.id)
    made: list[Payout] = []
    for vendor in sorted(payment.vendor_amounts):
        payee = uuid.UUID(vendor)
        if payee in done or vendor_id not in (None, payee):
            continue
        gross, fee, amount = share_of(payment, vendor, fee_bps)
        payout = Payout(
            id=uuid.uuid4(),
            payment_id=payment.id,
            vendor_id=payee,
            gross=gross,
            fee=fee,
            amount=amount,
            currency=payment.currency,
            status=HELD,
            release_at=release_at,
            reversed_amount=0,
        )
        session.add(payout)
        made.append(payout)
    await session.flush()
    for payout in made:
        _reduce_held(payout, payment)
    await session.flush()
    return made


def _reduce_held(payout: Payout, payment: Payment) -> None:
    """A held payout gives back its part of what was refunded, with no transfer."""
    payout.reversed_amount = max(
        payout.reversed_amount, min(refunded_share(payout.amount, payment), payout.amount)
    )
    if payout.reversed_amount >= payout.amount and payment.refunded_amount > 0:
        payout.status = CANCELLED


def room_for(payout: Payout, payment: Payment, payouts: list[Payout]) -> int:
    """The most ``payout`` may transfer without breaking the invariant: what was
    captured, less refunds, less every other payout's and every fee's net part."""
    others = sum(
        p.amount - p.reversed_amount + net_fee(p, payment)
        for p in payouts
        if p.id != payout.id and p.status != CANCELLED
    )
    return payment.amount - payment.refunded_amount - others - net_fee(payout, payment)


async def release(
    session: AsyncSession,
    outbox: Outbox,
    provider: PaymentProvider,
    payment: Payment,
    *,
    vendor_id: uuid.UUID | None = None,
    due_by: datetime | None = None,
) -> list[Payout]:
    """Pay the held payouts of ``payment`` (locked by the caller): ``vendor_id``'s (every
    vendor's when None), or those due by ``due_by``. Publishes ``PayoutCreated``.

    A payout with something to transfer whose vendor's connected account may not be
    paid yet (none, or charges or payouts not enabled) stays held (ADR 0104); one
    released without ``due_by`` (the parcel was delivered) is made due now, so that the
    account's ``account.updated`` or the sweep pays it once the account may be paid."""
    payouts = await payout_rows.locked_of(session, payment.id)
    accounts = await connect_rows.payable(session, {p.vendor_id for p in payouts})
    paid: list[Payout] = []
    for payout in payouts:
        if payout.status != HELD or vendor_id not in (None, payout.vendor_id):
            continue
        if due_by is not None and (payout.release_at is None or payout.release_at > due_by):
            continue
        _reduce_held(payout, payment)
        if payout.status == CANCELLED:
            continue
        net = payout.amount - payout.reversed_amount
        account = accounts.get(payout.vendor_id)
        if account is None and net > 0:
            if due_by is None and (payout.release_at is None or payout.release_at > now()):
                payout.release_at = now()
            continue
        room = room_for(payout, payment, payouts)
        if net > room:
            # Never transfer more than the order left: the shortfall stays unpaid.
            payout.amount = payout.reversed_amount + max(room, 0)
            net = payout.amount - payout.reversed_amount
        transfer_id = None
        if net > 0 and account is not None:
            transfer_id = await provider.transfer(
                destination=account,
                amount=net,
                currency=payment.currency,
                idempotency_key=f"payout-{payment.id}-{payout.vendor_id}",
            )
        payout.provider_transfer_id = transfer_id
        payout.status = PAID
        payout.paid_at = now()
        await session.flush()
        paid.append(payout)
        if net <= 0:
            continue  # nothing was collected for this vendor: nothing to tell
        await ledger.payout(session, payment, net)

        def money(value: int) -> Money:
            return Money(amount=value, currency=payment.currency)

        await outbox.add(
            session,
            PayoutCreated(
                payout_id=payout.id,
                payment_id=payment.id,
                order_id=payment.order_id,
                vendor_id=payout.vendor_id,
                gross=money(payout.gross),
                fee=money(payout.fee),
                amount=money(net),
                transfer_id=transfer_id or "",
                created_at=payout.paid_at,
            ),
            key=str(payment.id),
        )
    return paid


async def due_payments(session: AsyncSession, at: datetime, *, batch: int) -> list[uuid.UUID]:
    """Payments with a held payout whose hold is over by ``at``."""
    return await payout_rows.due_payments(session, at, batch=batch)


def due_back(payout: Payout, payment: Payment) -> int:
    """What a paid vendor still owes back once ``payment.refunded_amount`` is refunded:
    the payout's share of it, rounded up, less what was already taken back."""
    return min(refunded_share(payout.amount, payment), payout.amount) - payout.reversed_amount


async def reverse_for_refund(
    session: AsyncSession, outbox: Outbox, provider: PaymentProvider, payment: Payment
) -> list[Payout]:
    """After a refund of ``payment``: reduce each held payout (cancel it when nothing is
    left) and take each paid vendor's share back."""
    reversed_now: list[Payout] = []
    for payout in await payout_rows.locked_of(session, payment.id):
        if payout.status == HELD:
            _reduce_held(payout, payment)
            continue
        if payout.status != PAID:
            continue
        amount = due_back(payout, payment)
        if amount <= 0 or payout.provider_transfer_id is None:
            continue
        total = payout.reversed_amount + amount
        reversal_id = await provider.reverse_transfer(
            payout.provider_transfer_id,
            amount=amount,
            idempotency_key=f"reversal-{payout.id}-{total}",
        )
        payout.reversed_amount = total
        if total >= payout.amount:
            payout.status = REVERSED
        await session.flush()
        await ledger.payout_reversal(session, payment, amount)
        await outbox.add(
            session,
            PayoutReversed(
                payout_id=payout.id,
                payment_id=payment.id,
                order_id=payment.order_id,
                vendor_id=payout.vendor_id,
                amount=Money(amount=amount, currency=payment.currency),
                total_reversed=Money(amount=total, currency=payment.currency),
                reversal_id=reversal_id,
                reversed_at=now(),
            ),
            key=str(payment.id),
        )
        reversed_now.append(payout)
    await session.flush()
    return reversed_now
