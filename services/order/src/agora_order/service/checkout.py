"""Checkout: the cart becomes an order (one sub-order per vendor) and the saga starts
with ``OrderPlaced``; the catalog answers whether the stock is held.

The route's ``Idempotency-Key`` (required; ``agora_kit.idempotency``) is claimed in
the checkout's own transaction, so a retry gets the first answer and places nothing.
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts import order as contracts
from agora_kit.events.outbox import Outbox
from agora_order.models import (
    PENDING,
    SUB_PENDING,
    CartItem,
    Order,
    OrderLine,
    OrderTransition,
    SubOrder,
)
from agora_order.repository import orders as order_repo
from agora_order.service import cart, coupons, metrics, pricing, readmodel, saga
from agora_order.service.errors import (
    CurrencyMismatch,
    EmptyCart,
    NotEnoughStock,
    TooManyOpenOrders,
    TooManyUnits,
    UnknownSku,
)
from agora_order.settings import Settings


@dataclass(frozen=True)
class CheckoutRequest:
    """What the buyer checks out with: where to ship (the address's fields), an optional
    coupon code and an optional payment method."""

    shipping_address: dict[str, Any]
    coupon_code: str | None = None
    payment_method: str | None = None


async def check_holding_limits(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, items: list[CartItem]
) -> None:
    """Stock is held from checkout until payment, so one buyer may hold only so much
    unpaid: refuse (409) a checkout beyond the open-order or units-per-SKU limit."""
    for item in items:
        if item.quantity > settings.max_units_per_sku:
            raise TooManyUnits(
                f"At most {settings.max_units_per_sku} units of {item.sku} in one order;"
                f" the cart holds {item.quantity}."
            )
    unpaid = await order_repo.count_unpaid(session, buyer_id)
    limit = settings.max_open_orders_per_buyer
    if unpaid >= limit:
        raise TooManyOpenOrders(
            f"You have {unpaid} unpaid orders, the most at once is {limit}:"
            " pay for or cancel one first."
        )


def _number() -> str:
    return "AG-" + secrets.token_hex(5).upper()


async def place(
    session: AsyncSession,
    outbox: Outbox,
    settings: Settings,
    *,
    buyer_id: uuid.UUID,
    request: CheckoutRequest,
) -> Order:
    """The buyer's cart, placed as an order."""
    # One buyer's checkouts take turns from here: racing ones cannot all take the same
    # cart, nor all find room under the open-order limit.
    await order_repo.lock_buyer_checkout(session, buyer_id)
    items = await cart.items(session, buyer_id)
    if not items:
        raise EmptyCart("Add something to the cart before checking out.")
    await check_holding_limits(session, settings, buyer_id, items)
    skus = await readmodel.skus_by_code(session, [item.sku for item in items])
    currencies: set[str] = set()
    for item in items:
        sku = skus.get(item.sku)
        if sku is None or not sku.for_sale:
            raise UnknownSku(f"SKU {item.sku} is no longer for sale; remove it from the cart.")
        if item.quantity > sku.available:
            raise NotEnoughStock(f"Only {max(sku.available, 0)} of {item.sku} left.")
        currencies.add(sku.currency)
    if len(currencies) != 1:
        raise CurrencyMismatch("The cart mixes currencies.")
    currency = currencies.pop()
    subtotal = sum(skus[item.sku].price_amount * item.quantity for item in items)

    order_id = uuid.uuid4()
    placed_at = saga.now()
    discount, funding = 0, "vendor"
    if request.coupon_code:
        redeemed = await coupons.redeem(
            session,
            request.coupon_code,
            buyer_id=buyer_id,
            order_id=order_id,
            subtotal=subtotal,
            currency=currency,
            at=placed_at,
        )
        discount, funding = redeemed.discount, redeemed.funded_by
    sums = pricing.totals(
        subtotal,
        discount=discount,
        shipping_flat=settings.shipping_flat_amount,
        free_shipping_over=settings.free_shipping_over_amount,
        tax_rate_bps=settings.tax_rate_bps,
    )
    order = Order(
        id=order_id,
        number=_number(),
        buyer_id=buyer_id,
        status=PENDING,
        stock_reserved=False,
        currency=currency,
        subtotal_amount=sums.subtotal,
        discount_amount=sums.discount,
        shipping_amount=sums.shipping,
        tax_amount=sums.tax,
        total_amount=sums.total,
        refunded_amount=0,
        coupon_code=request.coupon_code.upper() if request.coupon_code else None,
        discount_funded_by=funding,
        shipping_address=request.shipping_address,
        payment_method=request.payment_method,
        paid=False,
        placed_at=placed_at,
        updated_at=placed_at,
    )
    session.add(order)
    await session.flush()

    by_vendor: dict[uuid.UUID, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_vendor[skus[item.sku].vendor_id].append(index)
    lines: list[OrderLine] = []
    sub_totals = [
        sum(skus[items[i].sku].price_amount * items[i].quantity for i in indexes)
        for indexes in by_vendor.values()
    ]
    for (vendor_id, indexes), sub_total, share in zip(
        by_vendor.items(),
        sub_totals,
        pricing.allocate(sums.discount, sub_totals),
        strict=True,
    ):
        sub = SubOrder(
            id=uuid.uuid4(),
            order_id=order.id,
            vendor_id=vendor_id,
            status=SUB_PENDING,
            subtotal_amount=sub_total,
            discount_amount=share,
        )
        session.add(sub)
        await session.flush()
        for i in indexes:
            item, sku = items[i], skus[items[i].sku]
            line = OrderLine(
                id=uuid.uuid4(),
                order_id=order.id,
                sub_order_id=sub.id,
                position=i,
                sku=item.sku,
                product_id=sku.product_id,
                vendor_id=sku.vendor_id,
                title=sku.title,
                quantity=item.quantity,
                unit_amount=sku.price_amount,
                line_amount=sku.price_amount * item.quantity,
            )
            session.add(line)
            lines.append(line)
    session.add(
        OrderTransition(order_id=order.id, from_status=None, to_status=PENDING, cause="checkout")
    )
    await cart.clear(session, buyer_id)
    await session.flush()
    lines.sort(key=lambda line: line.position)
    await outbox.add(
        session,
        contracts.OrderPlaced(
            order_id=order.id,
            buyer_id=buyer_id,
            lines=[saga.contract_line(line, currency) for line in lines],
            placed_at=placed_at,
            reservation_ttl_seconds=settings.reservation_ttl_seconds,
        ),
        key=str(order.id),
    )
    metrics.order_placed(session, currency)
    return order
