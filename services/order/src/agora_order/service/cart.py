"""The buyer's cart, always priced live from the read model of the catalog."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import Money
from agora_order.service import metrics
from agora_order.models import CartItem, Sku
from agora_order.api.schemas import CartItemOut, CartOut
from agora_order.service import pricing, readmodel
from agora_order.service.errors import CurrencyMismatch, NotEnoughStock, TooManyUnits, UnknownSku
from agora_order.settings import Settings


async def items(session: AsyncSession, buyer_id: uuid.UUID) -> list[CartItem]:
    rows = await session.scalars(
        select(CartItem)
        .where(CartItem.buyer_id == buyer_id)
        .order_by(CartItem.added_at, CartItem.sku)
    )
    return list(rows)


async def view(session: AsyncSession, settings: Settings, buyer_id: uuid.UUID) -> CartOut:
    lines = await items(session, buyer_id)
    skus = await readmodel.skus_by_code(session, [line.sku for line in lines])
    out: list[CartItemOut] = []
    subtotal = 0
    currency: str | None = None
    for line in lines:
        sku = skus.get(line.sku)
        if sku is None or not sku.for_sale:
            out.append(
                CartItemOut(
                    sku=line.sku,
                    product_id=sku.product_id if sku else None,
                    vendor_id=sku.vendor_id if sku else None,
                    title=sku.title if sku else None,
                    quantity=line.quantity,
                    unit_price=None,
                    line_total=None,
                    available=0,
                    for_sale=False,
                )
            )
            continue
        currency = currency or sku.currency
        line_amount = sku.price_amount * line.quantity
        subtotal += line_amount
        out.append(
            CartItemOut(
                sku=line.sku,
                product_id=sku.product_id,
                vendor_id=sku.vendor_id,
                title=sku.title,
                attributes={str(k): str(v) for k, v in sku.attributes.items()},
                quantity=line.quantity,
                unit_price=Money(amount=sku.price_amount, currency=sku.currency),
                line_total=Money(amount=line_amount, currency=sku.currency),
                available=max(sku.available, 0),
                for_sale=True,
            )
        )
    sums = pricing.totals(
        subtotal,
        shipping_flat=settings.shipping_flat_amount,
        free_shipping_over=settings.free_shipping_over_amount,
        tax_rate_bps=settings.tax_rate_bps,
        empty=subtotal == 0,
    )
    shown = currency or "USD"

    def money(amount: int) -> Money:
        return Money(amount=amount, currency=shown)

    return CartOut(
        items=out,
        currency=currency,
        subtotal=money(sums.subtotal),
        discount=money(sums.discount),
        shipping=money(sums.shipping),
        tax=money(sums.tax),
        total=money(sums.total),
    )


async def _sellable(
    session: AsyncSession, buyer_id: uuid.UUID, code: str, quantity: int, settings: Settings
) -> Sku:
    sku = await session.get(Sku, code)
    if sku is None or not sku.for_sale:
        raise UnknownSku(f"SKU {code} is not for sale.")
    if quantity > settings.max_quantity_per_line:
        raise NotEnoughStock(f"At most {settings.max_quantity_per_line} units of one SKU.")
    if quantity > settings.max_units_per_sku:
        raise TooManyUnits(f"At most {settings.max_units_per_sku} units of {code} in one order.")
    if quantity > sku.available:
        raise NotEnoughStock(f"Only {max(sku.available, 0)} of {code} left; asked for {quantity}.")
    others = await readmodel.skus_by_code(
        session, [line.sku for line in await items(session, buyer_id) if line.sku != code]
    )
    currencies = {other.currency for other in others.values() if other.for_sale}
    if currencies and sku.currency not in currencies:
        raise CurrencyMismatch(
            f"The cart is in {', '.join(sorted(currencies))}; {code} is sold in {sku.currency}."
        )
    return sku


async def add(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, code: str, quantity: int
) -> None:
    """Add ``quantity`` units (to what the cart already holds of the SKU). The first
    item of an empty cart (a new one, or the next after checkout) counts a cart."""
    existing = await session.get(CartItem, (buyer_id, code), with_for_update=True)
    wanted = quantity + (existing.quantity if existing else 0)
    await _sellable(session, buyer_id, code, wanted, settings)
    if existing is None:
        if not await items(session, buyer_id):
            metrics.cart_created(session)
        session.add(CartItem(buyer_id=buyer_id, sku=code, quantity=wanted))
    else:
        existing.quantity = wanted
    await session.flush()


async def set_quantity(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, code: str, quantity: int
) -> None:
    existing = await session.get(CartItem, (buyer_id, code), with_for_update=True)
    if existing is None:
        raise UnknownSku(f"SKU {code} is not in the cart.")
    await _sellable(session, buyer_id, code, quantity, settings)
    existing.quantity = quantity
    await session.flush()


async def remove(session: AsyncSession, buyer_id: uuid.UUID, code: str) -> None:
    result = await session.execute(
        delete(CartItem).where(CartItem.buyer_id == buyer_id, CartItem.sku == code)
    )
    if getattr(result, "rowcount", 0) == 0:
        raise UnknownSku(f"SKU {code} is not in the cart.")


async def clear(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    await session.execute(delete(CartItem).where(CartItem.buyer_id == buyer_id))
