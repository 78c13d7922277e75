"""The GDPR export and erasure of one person's data in the order service (ADR 0112).

Erasure first cancels the buyer's orders that no vendor has shipped yet (a paid one is
refunded, as a buyer's cancel would be): without an address they cannot be delivered.
Then it keeps the orders, their lines, amounts and states (bookkeeping law keeps
sales records for years) and the buyer's id (an anonymous account id once the user
service erased its fields); it removes the shipping addresses, payment method
references, payment client secrets, tracking numbers, the reasons given for returns,
the cart and the stored answers of the buyer's Idempotency-Keys, and the published
events in its outbox that name them. Running it again changes nothing more."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.events.outbox import Outbox
from agora_kit.personal import forget_person
from agora_order.models import OrderLine, SubOrder
from agora_order.repository import cart as cart_repo
from agora_order.repository import orders as order_repo
from agora_order.repository import personal as repo
from agora_order.service import saga

ERASED = "The buyer's account was erased."


async def export(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    orders = await repo.orders_of(session, user_id)
    order_ids = [o.id for o in orders]
    subs: dict[uuid.UUID, list[SubOrder]] = defaultdict(list)
    for sub in await order_repo.sub_orders_of(session, order_ids):
        subs[sub.order_id].append(sub)
    lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
    for line in await order_repo.lines_of(session, order_ids):
        lines[line.order_id].append(line)
    return {
        "orders": [
            {
                "id": o.id,
                "number": o.number,
                "status": o.status,
                "currency": o.currency,
                "subtotal_amount": o.subtotal_amount,
                "discount_amount": o.discount_amount,
                "shipping_amount": o.shipping_amount,
                "tax_amount": o.tax_amount,
                "total_amount": o.total_amount,
                "refunded_amount": o.refunded_amount,
                "coupon_code": o.coupon_code,
                "shipping_address": o.shipping_address,
                "payment_method": o.payment_method,
                "placed_at": o.placed_at,
                "updated_at": o.updated_at,
                "sub_orders": [
                    {
                        "id": s.id,
                        "vendor_id": s.vendor_id,
                        "status": s.status,
                        "carrier": s.carrier,
                        "tracking_number": s.tracking_number,
                        "shipped_at": s.shipped_at,
                        "delivered_at": s.delivered_at,
                    }
                    for s in subs[o.id]
                ],
                "lines": [
                    {
                        "sku": line.sku,
                        "product_id": line.product_id,
                        "title": line.title,
                        "quantity": line.quantity,
                        "unit_amount": line.unit_amount,
                        "line_amount": line.line_amount,
                    }
                    for line in lines[o.id]
                ],
            }
            for o in orders
        ],
        "cart": [
            {"sku": item.sku, "quantity": item.quantity, "added_at": item.added_at}
            for item in await cart_repo.items(session, user_id)
        ],
        "returns": [
            {
                "id": r.id,
                "order_id": r.order_id,
                "status": r.status,
                "reason": r.reason,
                "refund_amount": r.refund_amount,
                "requested_at": r.requested_at,
            }
            for r in await repo.returns_of(session, user_id)
        ],
        "coupon_redemptions": [
            {"code": r.code, "order_id": r.order_id, "redeemed_at": r.created_at}
            for r in await repo.redemptions_of(session, user_id)
        ],
    }


async def erase(session: AsyncSession, outbox: Outbox, user_id: uuid.UUID) -> int:
    """Cancel what cannot ship any more, anonymise the buyer's orders and drop their
    cart; how many orders still named the person."""
    for order_id in await repo.open_order_ids(session, user_id):
        # Read again under the lock: a payment may have landed since.
        order = await order_repo.locked(session, order_id)
        if order is not None and await order_repo.cancellable(session, order):
            await saga.cancel(session, outbox, order, reason=ERASED, cause="user.deleted")
    changed = await repo.anonymise_orders(session, user_id)
    await repo.clear_cart(session, user_id)
    await forget_person(session, user_id)
    return changed
