"""Checkout and the buyer's orders: ``/checkout``, ``/orders``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from agora_kit.app import API_PREFIX, OutboxDep
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.idempotency import RequiredIdempotencyDep
from agora_kit.pagination import Page, PageParamsDep
from agora_order.api.deps import ReaderDep, SettingsDep, WriterDep
from agora_order.api.schemas import CheckoutIn, OrderOut, checkout_request, order_out
from agora_order.service import checkout, orders

router = APIRouter(tags=["orders"])


def _location(order_id: uuid.UUID) -> str:
    return f"{API_PREFIX}/orders/{order_id}"


@router.post(
    "/checkout",
    summary="Place an order from your cart",
    status_code=202,
    response_model=OrderOut,
    responses=problem_responses(400, 401, 403, 404, 409, 422),
)
async def place_order(
    body: CheckoutIn,
    *,
    response: Response,
    buyer: WriterDep,
    session: SessionDep,
    outbox: OutboxDep,
    settings: SettingsDep,
    idempotency: RequiredIdempotencyDep,
) -> OrderOut | JSONResponse:
    """Place the cart as an order. ``Idempotency-Key`` is required: a retry with the
    same key and body gets the first answer again and places nothing."""
    if idempotency.replay is not None:
        return idempotency.replay
    placed = await checkout.place(
        session, outbox, settings, buyer_id=buyer, request=checkout_request(body)
    )
    location = _location(placed.order.id)
    response.headers["Location"] = location
    out = order_out(placed)
    await idempotency.store(202, out, location)
    return out


@router.get(
    "/orders",
    summary="Your orders",
    response_model=Page[OrderOut],
    responses=problem_responses(401, 403),
)
async def list_orders(
    buyer: ReaderDep, session: SessionDep, params: PageParamsDep
) -> Page[OrderOut]:
    """The caller's orders, newest first, cursor-paginated."""
    page = await orders.buyer_page(session, buyer, params)
    return Page[OrderOut](
        items=[order_out(detail) for detail in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/orders/{order_id}",
    summary="One of your orders",
    response_model=OrderOut,
    responses=problem_responses(401, 403, 404),
)
async def get_order(order_id: uuid.UUID, buyer: ReaderDep, session: SessionDep) -> OrderOut:
    """One of the caller's orders with its lines, totals and status; once it awaits
    payment, the payment's id and `client_secret` to confirm it. Someone else's order
    is 404."""
    order = await orders.own(session, buyer, order_id)
    return order_out(await orders.detail(session, order))


@router.post(
    "/orders/{order_id}/cancel",
    summary="Cancel an order",
    status_code=202,
    response_model=OrderOut,
    responses=problem_responses(401, 403, 404, 409),
)
async def cancel_order(
    order_id: uuid.UUID, buyer: WriterDep, session: SessionDep, outbox: OutboxDep
) -> OrderOut:
    """Cancel an order before any of it has shipped: its stock is released and what was
    paid is refunded. A shipped order is 409."""
    order = await orders.cancel_by_buyer(session, outbox, buyer, order_id)
    return order_out(await orders.detail(session, order))
