"""The buyer's cart, always priced live from the read model of the catalog."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import CartItem, CartStart, Sku
from agora_order.repository import cart as cart_repo
from agora_order.repository import skus as sku_repo
from agora_order.service import metrics, pricing
from agora_order.service.errors import CurrencyMismatch, NotEnoughStock, TooManyUnits, UnknownSku
from agora_order.settings import Settings


@dataclass(frozen=True)
class CartLine:
    """One line of the cart and the read model's SKU (None when the catalog never
    sold it); only a SKU for sale is priced."""

    item: CartItem
    sku: Sku | None

    @property
    def for_sale(self) -> bool:
        return self.sku is not None and self.sku.for_sale


@dataclass(frozen=True)
class Cart:
    """The cart priced live: ``currency`` is that of the lines for sale (None when
    there are none), ``totals`` what checking out would cost now."""

    lines: list[CartLine]
    currency: str | None
    totals: pricing.Totals


async def items(session: AsyncSession, buyer_id: uuid.UUID) -> list[CartItem]:
    return await cart_repo.items(session, buyer_id)


async def view(session: AsyncSession, settings: Settings, buyer_id: uuid.UUID) -> Cart:
    lines = await items(session, buyer_id)
    skus = await sku_repo.by_code(session, [line.sku for line in lines])
    priced = [CartLine(item=line, sku=skus.get(line.sku)) for line in lines]
    subtotal = 0
    currency: str | None = None
    for line in priced:
        if line.sku is None or not line.for_sale:
            continue
        currency = currency or line.sku.currency
        subtotal += line.sku.price_amount * line.item.quantity
    sums = pricing.totals(
        subtotal,
        shipping_flat=settings.shipping_flat_amount,
        free_shipping_over=settings.free_shipping_over_amount,
        tax_rate_bps=settings.tax_rate_bps,
        empty=subtotal == 0,
    )
    return Cart(lines=priced, currency=currency, totals=sums)


async def _sellable(
    session: AsyncSession, buyer_id: uuid.UUID, code: str, quantity: int, settings: Settings
) -> Sku:
    sku = await sku_repo.get(session, code)
    if sku is None or not sku.for_sale:
        raise UnknownSku(f"SKU {code} is not for sale.")
    if quantity > settings.max_quantity_per_line:
        raise NotEnoughStock(f"At most {settings.max_quantity_per_line} units of one SKU.")
    if quantity > settings.max_units_per_sku:
        raise TooManyUnits(f"At most {settings.max_units_per_sku} units of {code} in one order.")
    if quantity > sku.available:
        raise NotEnoughStock(f"Only {max(sku.available, 0)} of {code} left; asked for {quantity}.")
    others = await sku_repo.by_code(
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
    existing = await cart_repo.locked_item(session, buyer_id, code)
    wanted = quantity + (existing.quantity if existing else 0)
    await _sellable(session, buyer_id, code, wanted, settings)
    if existing is None:
        if not await items(session, buyer_id):
            metrics.cart_created(session)
            session.add(CartStart(buyer_id=buyer_id))
        session.add(CartItem(buyer_id=buyer_id, sku=code, quantity=wanted))
    else:
        existing.quantity = wanted
    await session.flush()


async def set_quantity(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, code: str, quantity: int
) -> None:
    existing = await cart_repo.locked_item(session, buyer_id, code)
    if existing is None:
        raise UnknownSku(f"SKU {code} is not in the cart.")
    await _sellable(session, buyer_id, code, quantity, settings)
    existing.quantity = quantity
    await session.flush()


async def remove(session: AsyncSession, buyer_id: uuid.UUID, code: str) -> None:
    if not await cart_repo.delete_item(session, buyer_id, code):
        raise UnknownSku(f"SKU {code} is not in the cart.")


async def clear(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    await cart_repo.clear(session, buyer_id)
