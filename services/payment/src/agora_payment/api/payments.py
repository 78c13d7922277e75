"""``/payments`` for buyers, ``/admin/payments`` for refunds."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from agora_contracts.common import Money
from agora_kit.app import OutboxDep
from agora_kit.auth import (
    ROLE_ADMIN,
    SCOPE_ORDERS_READ,
    SCOPE_ORDERS_WRITE,
    Principal,
    require_roles,
    user_id_for,
)
from agora_kit.db import SessionDep
from agora_kit.errors import (
    Conflict,
    NotFound,
    problem_response,
    problem_responses,
)
from agora_kit.idempotency import RequiredIdempotencyDep
from agora_payment.models import Payment
from agora_payment.schemas import ConfirmIn, PaymentOut, RefundIn, RefundOut
from agora_payment.service import fraud, payments, webhooks
from agora_payment.service.provider import PaymentProvider
from agora_payment.settings import Settings

router = APIRouter(prefix="/payments", tags=["payments"])
admin_router = APIRouter(prefix="/admin/payments", tags=["admin"])


def get_provider(request: Request) -> PaymentProvider:
    provider: PaymentProvider = request.app.state.payment_provider
    return provider


ProviderDep = Annotated[PaymentProvider, Depends(get_provider)]


class RefundAlreadyMade(Conflict):
    slug = "refund-already-made"
    title = "This Idempotency-Key already made a refund"


reader = user_id_for(SCOPE_ORDERS_READ)
writer = user_id_for(SCOPE_ORDERS_WRITE)

ReaderDep = Annotated[uuid.UUID, Depends(reader)]
WriterDep = Annotated[uuid.UUID, Depends(writer)]
AdminDep = Annotated[Principal, Depends(require_roles(ROLE_ADMIN))]


def payment_out(payment: Payment) -> PaymentOut:
    secret = payment.client_secret if payment.status in payments.CONFIRMABLE else None
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


@router.get("", response_model=list[PaymentOut], responses=problem_responses(401, 403))
async def list_payments(
    buyer: ReaderDep,
    session: SessionDep,
    order_id: Annotated[uuid.UUID | None, Query()] = None,
) -> list[PaymentOut]:
    """The caller's own payments, newest first (of one order with ``order_id``)."""
    stmt = select(Payment).where(Payment.buyer_id == buyer)
    if order_id is not None:
        stmt = stmt.where(Payment.order_id == order_id)
    rows = await session.scalars(stmt.order_by(Payment.created_at.desc()).limit(100))
    return [payment_out(row) for row in rows]


@router.post(
    "/{payment_id}/confirm",
    response_model=PaymentOut,
    responses=problem_responses(400, 401, 402, 403, 404, 409, 422),
)
async def confirm(
    payment_id: uuid.UUID,
    body: ConfirmIn,
    *,
    request: Request,
    buyer: WriterDep,
    session: SessionDep,
    outbox: OutboxDep,
    provider: ProviderDep,
    idempotency: RequiredIdempotencyDep,
) -> PaymentOut | JSONResponse:
    """Confirm the intent with a payment method. A decline is 402, and is kept: the
    payment is failed and ``PaymentFailed`` is published (so not raised, which would
    roll that back). ``Idempotency-Key`` is required: a resent confirmation gets the
    first answer (the same 402 too)."""
    if idempotency.replay is not None:
        return idempotency.replay
    settings: Settings = request.app.state.runtime.settings
    payment = await payments.own(session, buyer, payment_id)
    outcome = await payments.confirm(
        session, outbox, provider, payment, body.payment_method, rules=fraud.Rules.of(settings)
    )
    if outcome.declined_message is not None:
        declined = problem_response(
            request,
            402,
            slug="card-declined",
            title="Payment declined",
            detail=outcome.declined_message,
        )
        await idempotency.store(402, json.loads(bytes(declined.body)))
        return declined
    out = payment_out(outcome.payment)
    await idempotency.store(200, out)
    return out


@admin_router.post(
    "/{payment_id}/refund",
    status_code=202,
    response_model=RefundOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def refund(
    payment_id: uuid.UUID,
    body: RefundIn,
    *,
    _: AdminDep,
    session: SessionDep,
    outbox: OutboxDep,
    provider: ProviderDep,
    idempotency: RequiredIdempotencyDep,
) -> RefundOut | JSONResponse:
    """Refund all that is left, or ``amount``. ``Idempotency-Key`` is required: a
    resent refund gets the first answer and refunds nothing more."""
    if idempotency.replay is not None:
        return idempotency.replay
    payment = await payments.locked(session, payment_id)
    if payment is None:
        raise NotFound(f"No payment {payment_id}.")
    made = await payments.refund(
        session,
        outbox,
        provider,
        payment,
        amount=body.amount,
        # The same on every retry of this key, and so the provider's idempotency key
        # too: a retry after a crash between the provider's refund and our commit
        # does not refund twice.
        request_id=idempotency.request_id(),
        reason=body.reason,
    )
    if made is None:
        # Only when this key already refunded, and was forgotten (after a day) since.
        raise RefundAlreadyMade("This Idempotency-Key already made a refund; use a new key.")
    out = RefundOut(
        id=made.id,
        payment_id=payment.id,
        amount=Money(amount=made.amount, currency=payment.currency),
        total_refunded=Money(amount=payment.refunded_amount, currency=payment.currency),
    )
    await idempotency.store(202, out)
    return out


@router.post(
    "/webhooks/stripe",
    responses=problem_responses(400),
    summary="Stripe webhooks, verified with Stripe-Signature",
)
async def stripe_webhook(
    request: Request,
    session: SessionDep,
    outbox: OutboxDep,
    signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> dict[str, bool]:
    settings: Settings = request.app.state.runtime.settings
    event = webhooks.verify(
        await request.body(),
        signature,
        settings.stripe_webhook_secret.get_secret_value(),
        tolerance=settings.stripe_webhook_tolerance_seconds,
    )
    await webhooks.handle(session, outbox, event)
    return {"received": True}
