"""``/admin/payments`` for the platform's admins: refunds."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from agora_kit.app import OutboxDep
from agora_kit.db import SessionDep
from agora_kit.errors import NotFound, problem_responses
from agora_kit.idempotency import RequiredIdempotencyDep
from agora_payment.api.deps import AdminDep, ProviderDep
from agora_payment.api.schemas import RefundIn, RefundOut, refund_out
from agora_payment.service import payments
from agora_payment.service.errors import RefundAlreadyMade

router = APIRouter(prefix="/admin/payments", tags=["admin"])


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
