"""``/payments`` for buyers: their own payments, and confirming one."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from agora_kit.app import OutboxDep
from agora_kit.auth import (
    SCOPE_ORDERS_READ,
    SCOPE_ORDERS_WRITE,
    user_id_for,
)
from agora_kit.db import SessionDep
from agora_kit.errors import problem_response, problem_responses
from agora_kit.idempotency import RequiredIdempotencyDep
from agora_payment.api.deps import ContextDep
from agora_payment.api.schemas import ConfirmIn, PaymentOut, payment_out
from agora_payment.service import payments

router = APIRouter(prefix="/payments", tags=["payments"])


reader = user_id_for(SCOPE_ORDERS_READ)
writer = user_id_for(SCOPE_ORDERS_WRITE)

ReaderDep = Annotated[uuid.UUID, Depends(reader)]
WriterDep = Annotated[uuid.UUID, Depends(writer)]


@router.get(
    "",
    summary="Your payments",
    response_model=list[PaymentOut],
    responses=problem_responses(401, 403),
)
async def list_payments(
    buyer: ReaderDep,
    session: SessionDep,
    order_id: Annotated[uuid.UUID | None, Query()] = None,
) -> list[PaymentOut]:
    """The caller's own payments, newest first (of one order with ``order_id``)."""
    return [payment_out(row) for row in await payments.of_buyer(session, buyer, order_id=order_id)]


@router.post(
    "/{payment_id}/confirm",
    summary="Confirm a payment",
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
    context: ContextDep,
    idempotency: RequiredIdempotencyDep,
) -> PaymentOut | JSONResponse:
    """Confirm the intent with a payment method. A decline is 402, and is kept: the
    payment is failed and ``PaymentFailed`` is published (so not raised, which would
    roll that back). ``Idempotency-Key`` is required: a resent confirmation gets the
    first answer (the same 402 too)."""
    if idempotency.replay is not None:
        return idempotency.replay
    payment = await payments.own(session, buyer, payment_id)
    outcome = await payments.confirm(
        session, outbox, context.provider, payment, body.payment_method, rules=context.rules
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
