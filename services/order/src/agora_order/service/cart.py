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
    return _priced(lines, skus, settings)


def _priced(lines: list[CartItem], skus: dict[str, Sku], settings: Settings) -> Cart:
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


@dataclass(frozen=True)
class _Checked:
    """What checking a line read: its SKU, the cart's lines (the buyer's, as the
    session holds them) and the SKUs of the other lines."""

    sku: Sku
    lines: list[CartItem]
    others: dict[str, Sku]

    def cart(self, settings: Settings) -> Cart:
        """The cart once the checked line is written (flushed): nothing read again."""
        ordered = sorted(self.lines, key=lambda line: (line.added_at, line.sku))
        return _priced(ordered, {**self.others, self.sku.sku: self.sku}, settings)


async def _sellable(
    session: AsyncSession, buyer_id: uuid.UUID, code: str, quantity: int, settings: Settings
) -> _Checked:
    sku = await sku_repo.get(session, code)
    if sku is None or not sku.for_sale:
        raise UnknownSku(f"SKU {code} is not for sale.")
    if quantity > settings.max_quantity_per_line:
        raise NotEnoughStock(f"At most {settings.max_quantity_per_line} units of one SKU.")
    if quantity > settings.max_units_per_sku:
        raise TooManyUnits(f"At most {settings.max_units_per_sku} units of {code} in one order.")
    if quantity > sku.available:
        raise NotEnoughStock(f"Only {max(sku.available, 0)} of {code} left; asked for {quantity}.")
    lines = await items(session, buyer_id)
    others = await sku_repo.by_code(session, [line.sku for line in lines if line.sku != code])
    currencies = {other.currency for other in others.values() if other.for_sale}
    if currencies and sku.currency not in currencies:
        raise CurrencyMismatch(
            f"The cart is in {', '.join(sorted(currencies))}; {code} is sold in {sku.currency}."
        )
    return _Checked(sku=sku, lines=lines, others=others)


async def add(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, code: str, quantity: int
) -> Cart:
    """Add ``quantity`` units (to what the cart already holds of the SKU); the cart
    after. The first item of an empty cart (a new one, or the next after checkout)
    counts a cart."""
    existing = await cart_repo.locked_item(session, buyer_id, code)
    wanted = quantity + (existing.quantity if existing else 0)
    checked = await _sellable(session, buyer_id, code, wanted, settings)
    if existing is None:
        if not checked.lines:
            metrics.cart_created(session)
            session.add(CartStart(buyer_id=buyer_id))
        added = CartItem(buyer_id=buyer_id, sku=code, quantity=wanted)
        session.add(added)
        checked.lines.append(added)
    else:
        existing.quantity = wanted
    await session.flush()
    return checked.cart(settings)


async def set_quantity(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, code: str, quantity: int
) -> Cart:
    """Set the line's quantity; the cart after."""
    existing = await cart_repo.locked_item(session, buyer_id, code)
    if existing is None:
        raise UnknownSku(f"SKU {code} is not in the cart.")
    checked = await _sellable(session, buyer_id, code, quantity, settings)
    existing.quantity = quantity
    await session.flush()
    return checked.cart(settings)


async def remove(session: AsyncSession, buyer_id: uuid.UUID, code: str) -> None:
    if not await cart_repo.delete_item(session, buyer_id, code):
        raise UnknownSku(f"SKU {code} is not in the cart.")


async def clear(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    await cart_repo.clear(session, buyer_id)
