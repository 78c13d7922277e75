"""Checkout: the cart becomes an order (one sub-order per vendor) and the saga starts
it with ``OrderPlaced``; the catalog answers whether the stock is held.

The route's ``Idempotency-Key`` (required; ``agora_kit.idempotency``) is claimed in
the checkout's own transaction, so a retry gets the first answer and places nothing.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.events.outbox import Outbox
from agora_order.models import CartItem, Order, OrderLine, Sku, SubOrder
from agora_order.repository import orders as order_repo
from agora_order.repository import skus as sku_repo
from agora_order.service import cart, coupons, orders, quote, saga
from agora_order.service.errors import (
    CurrencyMismatch,
    EmptyCart,
    NotEnoughStock,
    NotShippable,
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


async def place(
    session: AsyncSession,
    outbox: Outbox,
    settings: Settings,
    *,
    buyer_id: uuid.UUID,
    request: CheckoutRequest,
) -> orders.OrderDetail:
    """The buyer's cart, placed as an order; its detail as written (not read again)."""
    # One buyer's checkouts take turns from here: racing ones cannot all take the same
    # cart, nor all find room under the open-order limit.
    await order_repo.lock_buyer_checkout(session, buyer_id)
    items = await _cart_to_place(session, settings, buyer_id)
    skus, currency = await _sellable(session, items)
    subtotal = sum(skus[item.sku].price_amount * item.quantity for item in items)
    order_id, placed_at = uuid.uuid4(), saga.now()
    redemption = await _apply_coupon(
        session,
        request.coupon_code,
        buyer_id=buyer_id,
        order_id=order_id,
        subtotal=subtotal,
        currency=currency,
        at=placed_at,
    )
    address = request.shipping_address
    cost = await cart.priced(
        session,
        settings,
        cart.parts(items, skus),
        currency=currency,
        destination=cart.Destination(address["country"], address.get("region")),
        discount=redemption.discount,
    )
    if cost.unshipped:
        raise NotShippable(
            f"Not every store ships to {address['country']}: stores "
            + ", ".join(str(vendor) for vendor in cost.unshipped)
            + " have no shipping zone for it (or none for this parcel); remove their items."
        )
    order = _new_order(
        order_id=order_id,
        buyer_id=buyer_id,
        request=request,
        currency=currency,
        cost=cost,
        funded_by=redemption.funded_by,
        placed_at=placed_at,
    )
    parts = _split_by_vendor(order, items, skus, cost)
    await saga.start(
        session, outbox, order, parts, reservation_ttl_seconds=settings.reservation_ttl_seconds
    )
    await cart.clear(session, buyer_id)
    # As ``orders.detail`` reads it: the sub-orders by vendor (``parts`` follow the
    # cart), each one's lines by position (as ``_split_by_vendor`` numbered them).
    return orders.OrderDetail(
        order=order,
        sub_orders=[
            orders.SubOrderDetail(sub=sub, lines=lines)
            for sub, lines in sorted(parts, key=lambda part: part[0].vendor_id)
        ],
    )


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


async def _cart_to_place(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID
) -> list[CartItem]:
    """The buyer's cart: not empty, and within what one buyer may hold unpaid."""
    items = await cart.items(session, buyer_id)
    if not items:
        raise EmptyCart("Add something to the cart before checking out.")
    await check_holding_limits(session, settings, buyer_id, items)
    return items


async def _sellable(session: AsyncSession, items: list[CartItem]) -> tuple[dict[str, Sku], str]:
    """The cart's SKUs, each still for sale with the stock asked for, and their one
    currency."""
    skus = await sku_repo.by_code(session, [item.sku for item in items])
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
    return skus, currencies.pop()


async def _apply_coupon(
    session: AsyncSession,
    code: str | None,
    *,
    buyer_id: uuid.UUID,
    order_id: uuid.UUID,
    subtotal: int,
    currency: str,
    at: datetime,
) -> coupons.Redemption:
    """Redeem the coupon for the order; without one, no discount (vendor-funded)."""
    if not code:
        return coupons.Redemption(discount=0, funded_by="vendor")
    return await coupons.redeem(
        session,
        code,
        buyer_id=buyer_id,
        order_id=order_id,
        subtotal=subtotal,
        currency=currency,
        at=at,
    )


def _new_order(
    *,
    order_id: uuid.UUID,
    buyer_id: uuid.UUID,
    request: CheckoutRequest,
    currency: str,
    cost: quote.Quote,
    funded_by: str,
    placed_at: datetime,
) -> Order:
    """The order's row, priced; its first state is the saga's to give (``saga.start``)."""
    sums = cost.totals
    return Order(
        id=order_id,
        number=_number(),
        buyer_id=buyer_id,
        stock_reserved=False,
        currency=currency,
        subtotal_amount=sums.subtotal,
        discount_amount=sums.discount,
        shipping_amount=sums.shipping,
        tax_amount=sums.tax,
        total_amount=sums.total,
        tax_rate_bps=cost.tax.rate_bps,
        tax_included=cost.tax.inclusive,
        tax_source=cost.tax.source,
        refunded_amount=0,
        coupon_code=request.coupon_code.upper() if request.coupon_code else None,
        discount_funded_by=funded_by,
        shipping_address=request.shipping_address,
        payment_method=request.payment_method,
        paid=False,
        placed_at=placed_at,
        updated_at=placed_at,
    )


def _split_by_vendor(
    order: Order, items: list[CartItem], skus: dict[str, Sku], cost: quote.Quote
) -> list[tuple[SubOrder, list[OrderLine]]]:
    """One sub-order per vendor with its lines and what the quote gave it: its part of
    the order's discount (pro rata to the subtotals), its shipping and tax, and what it
    is owed of the payment."""
    parts: list[tuple[SubOrder, list[OrderLine]]] = []
    for part in cost.vendors:
        sub = SubOrder(
            id=uuid.uuid4(),
            order_id=order.id,
            vendor_id=part.vendor_id,
            subtotal_amount=part.subtotal,
            discount_amount=part.discount,
            shipping_amount=part.shipping,
            tax_amount=part.tax,
            shipping_zone_id=part.zone.id if part.zone else None,
            shipping_zone_name=part.zone.name if part.zone else None,
            payable_amount=part.payable,
        )
        lines = [
            _line(sub, i, item, skus[item.sku])
            for i, item in enumerate(items)
            if skus[item.sku].vendor_id == part.vendor_id
        ]
        parts.append((sub, lines))
    return parts


def _line(sub: SubOrder, position: int, item: CartItem, sku: Sku) -> OrderLine:
    """The cart's line at ``position``, priced as the SKU sells now."""
    return OrderLine(
        id=uuid.uuid4(),
        order_id=sub.order_id,
        sub_order_id=sub.id,
        position=position,
        sku=item.sku,
        product_id=sku.product_id,
        vendor_id=sku.vendor_id,
        title=sku.title,
        quantity=item.quantity,
        unit_amount=sku.price_amount,
        line_amount=sku.price_amount * item.quantity,
    )


def _number() -> str:
    return "AG-" + secrets.token_hex(5).upper()
