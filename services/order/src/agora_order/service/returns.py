"""Returns (ADR 0116): a buyer sends delivered lines of one store's parcel back within
the return window; the store approves (saying whether the units go back on sale) or
rejects; once the store has the parcel back the refund of what the buyer paid for
those units goes through the saga's refund path (``RefundRequested``, whose
``request_id`` is the return's id), and the payment service's ``PaymentRefunded``
naming it closes the return.

    (buyer) --request--> requested --vendor approve--> approved --vendor receive--> received
    requested --vendor reject--> rejected                 received --PaymentRefunded--> refunded

Every move locks the return, checks the move is allowed from its state (a vendor's
repeat is 409, a redelivered event is ignored), is logged in ``return_transitions``
and published through the outbox."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts import order as contracts
from agora_contracts.common import Money
from agora_kit import audit
from agora_kit.errors import Forbidden
from agora_kit.events.outbox import Outbox
from agora_kit.pagination import Page, PageParams
from agora_order.models import (
    REFUNDED,
    RETURN_APPROVED,
    RETURN_RECEIVED,
    RETURN_REFUNDED,
    RETURN_REJECTED,
    RETURN_REQUESTED,
    SUB_DELIVERED,
    Order,
    Return,
    ReturnLine,
    ReturnTransition,
)
from agora_order.repository import orders as order_repo
from agora_order.repository import returns as repo
from agora_order.service import saga, vendors
from agora_order.service.errors import (
    BadReturn,
    NotReturnable,
    ReturnNotFound,
    ReturnStateConflict,
)
from agora_order.service.orders import own
from agora_order.service.return_refunds import refund_of

logger = logging.getLogger("agora.order.returns")

ALLOWED: dict[str, frozenset[str]] = {
    RETURN_REQUESTED: frozenset({RETURN_APPROVED, RETURN_REJECTED}),
    RETURN_APPROVED: frozenset({RETURN_RECEIVED}),
    RETURN_RECEIVED: frozenset({RETURN_REFUNDED}),
    RETURN_REJECTED: frozenset(),
    RETURN_REFUNDED: frozenset(),
}
# The fields of a return the audit log keeps.
AUDITED = ("status", "restock", "reject_reason", "refund_amount")


@dataclass(frozen=True)
class ReturnView:
    ret: Return
    lines: list[ReturnLine]


def _contract_lines(lines: list[ReturnLine]) -> list[contracts.ReturnLine]:
    return [
        contracts.ReturnLine(order_line_id=line.order_line_id, sku=line.sku, quantity=line.quantity)
        for line in lines
    ]


def _move(
    session: AsyncSession, ret: Return, to: str, *, cause: str, reason: str | None = None
) -> bool:
    if to not in ALLOWED[ret.status]:
        return False
    session.add(
        ReturnTransition(
            return_id=ret.id, from_status=ret.status, to_status=to, cause=cause, reason=reason
        )
    )
    ret.status = to
    ret.updated_at = saga.now()
    return True


async def request(
    session: AsyncSession,
    outbox: Outbox,
    *,
    buyer_id: uuid.UUID,
    order_id: uuid.UUID,
    wanted: list[tuple[str, int]],
    reason: str,
    window: timedelta,
) -> ReturnView:
    """The buyer asks to send ``wanted`` (SKU, units) back. All of one store's
    delivered parcel, within ``window`` of its delivery, no more units than bought
    less those in other returns not rejected; otherwise nothing is written."""
    await own(session, buyer_id, order_id)
    order = await order_repo.locked(session, order_id)  # one return at a time per order
    assert order is not None
    if order.status == REFUNDED:
        raise NotReturnable("This order was refunded in full: nothing is left to return.")
    skus = [sku for sku, _ in wanted]
    if len(set(skus)) != len(skus):
        raise BadReturn("Each SKU may appear once in a return.")
    # An order holds one line per SKU (the cart does).
    by_sku = {line.sku: line for line in await order_repo.lines_of(session, [order.id])}
    unknown = [sku for sku in skus if sku not in by_sku]
    if unknown:
        raise BadReturn(f"Not in this order: {', '.join(unknown)}.")
    subs = {by_sku[sku].sub_order_id for sku in skus}
    if len(subs) != 1:
        raise BadReturn("A return holds the lines of one store's parcel; ask once per store.")
    sub = await order_repo.get_sub_order(session, subs.pop())
    assert sub is not None
    if sub.status != SUB_DELIVERED or sub.delivered_at is None:
        raise NotReturnable(f"This parcel is {sub.status}: only delivered lines are returned.")
    if saga.now() > sub.delivered_at + window:
        raise NotReturnable(f"The return window of {window.days} days from delivery has closed.")
    taken = await repo.units_taken(session, order.id)
    for sku, units in wanted:
        left = by_sku[sku].quantity - taken.get(by_sku[sku].id, 0)
        if units > left:
            raise NotReturnable(f"Only {left} unit(s) of {sku} are left to return.")
    now = saga.now()
    ret = Return(
        id=uuid.uuid4(),
        order_id=order.id,
        sub_order_id=sub.id,
        vendor_id=sub.vendor_id,
        buyer_id=buyer_id,
        status=RETURN_REQUESTED,
        reason=reason,
        currency=order.currency,
        requested_at=now,
        updated_at=now,
    )
    session.add(ret)
    await session.flush()
    lines = [
        ReturnLine(return_id=ret.id, order_line_id=by_sku[sku].id, sku=sku, quantity=units)
        for sku, units in wanted
    ]
    session.add_all(lines)
    session.add(
        ReturnTransition(
            return_id=ret.id,
            from_status=None,
            to_status=RETURN_REQUESTED,
            cause="buyer.request",
            reason=reason,
        )
    )
    await session.flush()
    await outbox.add(
        session,
        contracts.ReturnRequested(
            order_id=order.id,
            return_id=ret.id,
            buyer_id=buyer_id,
            vendor_id=ret.vendor_id,
            lines=_contract_lines(lines),
            reason=reason,
            requested_at=now,
        ),
        key=str(order.id),
    )
    return ReturnView(ret, lines)


async def views(session: AsyncSession, rets: list[Return]) -> list[ReturnView]:
    lines = await repo.lines_of(session, [ret.id for ret in rets])
    return [ReturnView(ret, lines[ret.id]) for ret in rets]


async def of_buyer_order(
    session: AsyncSession, buyer_id: uuid.UUID, order_id: uuid.UUID
) -> list[ReturnView]:
    await own(session, buyer_id, order_id)
    return await views(session, await repo.of_order(session, order_id))


async def vendor_page(
    session: AsyncSession, user_id: uuid.UUID, params: PageParams, status: str | None
) -> Page[ReturnView]:
    page = await repo.vendor_page(session, await vendors.owned_by(session, user_id), params, status)
    return Page(items=await views(session, page.items), next_cursor=page.next_cursor)


async def _own_locked(
    session: AsyncSession, user_id: uuid.UUID, return_id: uuid.UUID
) -> tuple[Return, Order]:
    ret = await repo.get(session, return_id)
    if ret is None:
        raise ReturnNotFound(f"No return {return_id}.")
    if ret.vendor_id not in await vendors.owned_by(session, user_id):
        raise Forbidden("This return belongs to another store.")
    order = await order_repo.locked(session, ret.order_id)
    assert order is not None
    ret = await repo.get(session, return_id, lock=True)
    assert ret is not None
    return ret, order


async def _vendor_move(
    session: AsyncSession,
    ret: Return,
    to: str,
    *,
    reason: str | None = None,
) -> dict[str, object]:
    before = audit.snapshot(ret, AUDITED)
    if not _move(session, ret, to, cause=f"vendor.{to}", reason=reason):
        raise ReturnStateConflict(f"This return is {ret.status}: it cannot be {to}.")
    return before


async def _audit(
    session: AsyncSession, outbox: Outbox, ret: Return, action: str, before: dict[str, object]
) -> None:
    await audit.record(
        session,
        outbox,
        action=f"return.{action}",
        resource_type="return",
        resource_id=ret.id,
        before=before,
        after=audit.snapshot(ret, AUDITED),
    )


async def approve(
    session: AsyncSession,
    outbox: Outbox,
    user_id: uuid.UUID,
    return_id: uuid.UUID,
    *,
    restock: bool,
) -> ReturnView:
    ret, order = await _own_locked(session, user_id, return_id)
    before = await _vendor_move(session, ret, RETURN_APPROVED)
    ret.restock = restock
    await session.flush()
    [view] = await views(session, [ret])
    await outbox.add(
        session,
        contracts.ReturnApproved(
            order_id=order.id,
            return_id=ret.id,
            buyer_id=ret.buyer_id,
            vendor_id=ret.vendor_id,
            lines=_contract_lines(view.lines),
            restock=restock,
            approved_at=ret.updated_at,
        ),
        key=str(order.id),
    )
    await _audit(session, outbox, ret, "approve", before)
    return view


async def reject(
    session: AsyncSession, outbox: Outbox, user_id: uuid.UUID, return_id: uuid.UUID, *, reason: str
) -> ReturnView:
    ret, order = await _own_locked(session, user_id, return_id)
    before = await _vendor_move(session, ret, RETURN_REJECTED, reason=reason)
    ret.reject_reason = reason
    await session.flush()
    [view] = await views(session, [ret])
    await outbox.add(
        session,
        contracts.ReturnRejected(
            order_id=order.id,
            return_id=ret.id,
            buyer_id=ret.buyer_id,
            vendor_id=ret.vendor_id,
            lines=_contract_lines(view.lines),
            reason=reason,
            rejected_at=ret.updated_at,
        ),
        key=str(order.id),
    )
    await _audit(session, outbox, ret, "reject", before)
    return view


async def receive(
    session: AsyncSession, outbox: Outbox, user_id: uuid.UUID, return_id: uuid.UUID
) -> ReturnView:
    """The store has the parcel back: the refund of its lines is fixed and asked of the
    payment service, and the catalog told to restock when the store said so."""
    ret, order = await _own_locked(session, user_id, return_id)
    before = await _vendor_move(session, ret, RETURN_RECEIVED)
    [view] = await views(session, [ret])
    sub = await order_repo.get_sub_order(session, ret.sub_order_id)
    assert sub is not None
    by_id = {line.id: line for line in await order_repo.lines_of(session, [order.id])}
    paid_for = refund_of(
        [(by_id[line.order_line_id], line.quantity) for line in view.lines],
        sub,
        tax_included=order.tax_included,
        before=await repo.units_refunded_before(session, order.id, ret.id),
    )
    # Never more than is left on the order: an admin may have refunded it meanwhile
    # (the payment service would cap the refund, or make none, and the return would
    # wait for a refund that never comes).
    ret.refund_amount = max(min(paid_for, order.total_amount - order.refunded_amount), 0)
    await session.flush()
    await outbox.add(
        session,
        contracts.ReturnReceived(
            order_id=order.id,
            return_id=ret.id,
            buyer_id=ret.buyer_id,
            vendor_id=ret.vendor_id,
            lines=_contract_lines(view.lines),
            restock=bool(ret.restock),
            refund=saga.money(order, ret.refund_amount),
            received_at=ret.updated_at,
        ),
        key=str(order.id),
    )
    if ret.refund_amount <= 0:  # nothing was paid for them (a 100% coupon)
        await _audit(session, outbox, ret, "receive", before)
        await refunded(session, outbox, ret.id, None)
        return view
    await outbox.add(
        session,
        contracts.RefundRequested(
            order_id=order.id,
            buyer_id=order.buyer_id,
            payment_id=order.payment_id,
            amount=saga.money(order, ret.refund_amount),
            request_id=ret.id,
            reason="Returned items received by the store.",
        ),
        key=str(order.id),
    )
    await _audit(session, outbox, ret, "receive", before)
    return view


async def refunded(
    session: AsyncSession,
    outbox: Outbox,
    request_id: uuid.UUID,
    refund_id: uuid.UUID | None,
    amount: int | None = None,
) -> None:
    """The payment service refunded ``request_id``: when that is a received return, it
    is refunded, by ``amount`` when the payment service says how much it gave back (it
    caps a refund at what is left on the payment); a redelivery, or any other refund,
    changes nothing."""
    ret = await repo.get(session, request_id, lock=True)
    if ret is None or not _move(session, ret, RETURN_REFUNDED, cause="payment.refunded"):
        return
    ret.refund_id = refund_id
    if amount is not None:
        ret.refund_amount = amount
    await session.flush()
    [view] = await views(session, [ret])
    await outbox.add(
        session,
        contracts.ReturnRefunded(
            order_id=ret.order_id,
            return_id=ret.id,
            buyer_id=ret.buyer_id,
            vendor_id=ret.vendor_id,
            lines=_contract_lines(view.lines),
            refund=Money(amount=ret.refund_amount or 0, currency=ret.currency),
            refund_id=refund_id,
            refunded_at=ret.updated_at,
        ),
        key=str(ret.order_id),
    )
