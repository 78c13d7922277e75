"""``/admin/payments`` for the platform's admins: find a payment by its order, refund it."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from agora_kit.app import OutboxDep
from agora_kit.db import SessionDep
from agora_kit.errors import NotFound, problem_responses
from agora_kit.idempotency import RequiredIdempotencyDep
from agora_kit.pagination import Page, PageParamsDep
from agora_payment.api.deps import AdminDep, ProviderDep
from agora_payment.api.schemas import (
    AdminPaymentOut,
    RefundIn,
    RefundOut,
    admin_payment_out,
    refund_out,
)
from agora_payment.service import payments
from agora_payment.service.errors import RefundAlreadyMade

router = APIRouter(prefix="/admin/payments", tags=["admin"])

PaymentStatus = Literal[
    "requires_payment_method", "requires_action", "processing", "succeeded", "failed", "canceled"
]
# The service names the states; this literal only gives the OpenAPI document its enum.
assert get_args(PaymentStatus) == payments.STATUSES


@router.get(
    "",
    summary="Find payments",
    response_model=Page[AdminPaymentOut],
    responses=problem_responses(401, 403, 422),
)
async def list_payments(
    _: AdminDep,
    session: SessionDep,
    params: PageParamsDep,
    order_id: Annotated[uuid.UUID | None, Query(description="The order's id")] = None,
    order_number: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=32,
            pattern=r"^[A-Za-z0-9-]+$",
            description="The order's number, as its buyer and vendors see it",
        ),
    ] = None,
    status: Annotated[
        PaymentStatus | None, Query(description="Only payments in this state")
    ] = None,
) -> Page[AdminPaymentOut]:
    """Every buyer's payments, newest first, cursor-paginated: the one of an order
    (by id or number), or those in a state. The id to refund is the payment's ``id``;
    what is left to refund is ``amount`` less ``refunded``. Admins only."""
    found = await payments.every_page(
        session, params, order_id=order_id, order_number=order_number, status=status
    )
    return Page[AdminPaymentOut](
        items=[admin_payment_out(p) for p in found.items], next_cursor=found.next_cursor
    )


@router.post(
    "/{payment_id}/refund",
    summary="Refund a payment",
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
    out = refund_out(made, payment)
    await idempotency.store(202, out)
    return out
