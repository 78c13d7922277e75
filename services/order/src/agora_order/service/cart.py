"""The buyer's cart, always priced live from the read model of the catalog."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agora_order.models import CartItem, CartStart, Sku
from agora_order.repository import cart as cart_repo
from agora_order.repository import skus as sku_repo
from agora_order.service import coupons, metrics, pricing, quote, saga, shipping, tax, zones
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
class Destination:
    """Where the cart would ship: an ISO 3166-1 country (None: not said yet, so the
    stores with shipping zones cannot be priced) and an optional region."""

    country: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Cart:
    """The cart priced live: ``currency`` is that of the lines for sale (None when
    there are none), ``quote`` what checking out to ``destination`` would cost now,
    store by store."""

    lines: list[CartLine]
    currency: str | None
    destination: Destination
    quote: quote.Quote

    @property
    def totals(self) -> pricing.Totals:
        return self.quote.totals


async def items(session: AsyncSession, buyer_id: uuid.UUID) -> list[CartItem]:
    return await cart_repo.items(session, buyer_id)


def parts(lines: list[CartItem], skus: dict[str, Sku]) -> list[quote.Part]:
    """Each store's part of the lines whose SKUs are for sale, in the lines' order
    (a store's first line places it)."""
    subtotal: dict[uuid.UUID, int] = {}
    weight: dict[uuid.UUID, int] = {}
    for line in lines:
        sku = skus.get(line.sku)
        if sku is None or not sku.for_sale:
            continue
        subtotal[sku.vendor_id] = subtotal.get(sku.vendor_id, 0) + sku.price_amount * line.quantity
        grams = shipping.weight_of(sku.attributes) * line.quantity
        weight[sku.vendor_id] = weight.get(sku.vendor_id, 0) + grams
    return [quote.Part(vendor, amount, weight[vendor]) for vendor, amount in subtotal.items()]


async def priced(
    session: AsyncSession,
    settings: Settings,
    parts_: list[quote.Part],
    *,
    currency: str,
    destination: Destination,
    discount: int = 0,
) -> quote.Quote:
    """What ``parts_`` cost shipped to ``destination``: the cart and checkout both
    price here, so checkout charges what the cart showed."""
    return quote.quote(
        parts_,
        discount=discount,
        zones=await zones.zones_for(session, [part.vendor_id for part in parts_]),
        country=destination.country,
        currency=currency,
        default=quote.DefaultRule(
            flat=settings.shipping_flat_amount, free_over=settings.free_shipping_over_amount
        ),
        tax=tax.rule_for(settings, destination.country, destination.region),
    )


async def view(
    session: AsyncSession,
    settings: Settings,
    buyer_id: uuid.UUID,
    destination: Destination | None = None,
    *,
    coupon_code: str | None = None,
) -> Cart:
    """The cart priced for ``destination``; with ``coupon_code``, less the discount
    the coupon would give at checkout now (422 ``bad-coupon`` when it would not)."""
    lines = await items(session, buyer_id)
    skus = await sku_repo.by_code(session, [line.sku for line in lines])
    return await _priced(
        session,
        lines,
        skus,
        settings,
        destination or Destination(),
        coupon=(buyer_id, coupon_code) if coupon_code else None,
    )


async def _priced(
    session: AsyncSession,
    lines: list[CartItem],
    skus: dict[str, Sku],
    settings: Settings,
    destination: Destination,
    *,
    coupon: tuple[uuid.UUID, str] | None = None,
) -> Cart:
    shown = [CartLine(item=line, sku=skus.get(line.sku)) for line in lines]
    currency = next((line.sku.currency for line in shown if line.sku and line.for_sale), None)
    goods = parts(lines, skus)
    discount = 0
    if coupon is not None and currency is not None:
        buyer_id, code = coupon
        subtotal = sum(part.subtotal for part in goods)
        discount = await coupons.preview(
            session, code, buyer_id=buyer_id, subtotal=subtotal, currency=currency, at=saga.now()
        )
    cost = await priced(
        session,
        settings,
        goods,
        currency=currency or "USD",
        destination=destination,
        discount=discount,
    )
    return Cart(lines=shown, currency=currency, destination=destination, quote=cost)


@dataclass(frozen=True)
class _Checked:
    """What checking a line read: its SKU, the cart's lines (the buyer's, as the
    session holds them) and the SKUs of the other lines."""

    sku: Sku
    lines: list[CartItem]
    others: dict[str, Sku]

    async def cart(self, session: AsyncSession, settings: Settings) -> Cart:
        """The cart once the checked line is written (flushed): no line read again."""
        ordered = sorted(self.lines, key=lambda line: (line.added_at, line.sku))
        skus = {**self.others, self.sku.sku: self.sku}
        return await _priced(session, ordered, skus, settings, Destination())


async def _sellable(
    session: AsyncSession, lines: list[CartItem], code: str, quantity: int, settings: Settings
) -> _Checked:
    """Whether ``quantity`` units of ``code`` may be in the cart of ``lines``: its SKU
    and the other lines' read in one query."""
    skus = await sku_repo.by_code(
        session, [code, *(line.sku for line in lines if line.sku != code)]
    )
    sku = skus.pop(code, None)
    if sku is None or not sku.for_sale:
        raise UnknownSku(f"SKU {code} is not for sale.")
    if quantity > settings.max_quantity_per_line:
        raise NotEnoughStock(f"At most {settings.max_quantity_per_line} units of one SKU.")
    if quantity > settings.max_units_per_sku:
        raise TooManyUnits(f"At most {settings.max_units_per_sku} units of {code} in one order.")
    if quantity > sku.available:
        raise NotEnoughStock(f"Only {max(sku.available, 0)} of {code} left; asked for {quantity}.")
    currencies = {other.currency for other in skus.values() if other.for_sale}
    if currencies and sku.currency not in currencies:
        raise CurrencyMismatch(
            f"The cart is in {', '.join(sorted(currencies))}; {code} is sold in {sku.currency}."
        )
    return _Checked(sku=sku, lines=lines, others=skus)


async def _locked_lines(
    session: AsyncSession, buyer_id: uuid.UUID, code: str
) -> tuple[list[CartItem], CartItem | None]:
    """The buyer's lines, locked (one query: the cart is read once per change), and
    the line of ``code`` among them."""
    lines = await cart_repo.items(session, buyer_id, locked=True)
    return lines, next((line for line in lines if line.sku == code), None)


async def add(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, code: str, quantity: int
) -> Cart:
    """Add ``quantity`` units (to what the cart already holds of the SKU); the cart
    after. The first item of an empty cart (a new one, or the next after checkout)
    counts a cart."""
    lines, existing = await _locked_lines(session, buyer_id, code)
    wanted = quantity + (existing.quantity if existing else 0)
    checked = await _sellable(session, lines, code, wanted, settings)
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
    return await checked.cart(session, settings)


async def set_quantity(
    session: AsyncSession, settings: Settings, buyer_id: uuid.UUID, code: str, quantity: int
) -> Cart:
    """Set the line's quantity; the cart after."""
    lines, existing = await _locked_lines(session, buyer_id, code)
    if existing is None:
        raise UnknownSku(f"SKU {code} is not in the cart.")
    checked = await _sellable(session, lines, code, quantity, settings)
    existing.quantity = quantity
    await session.flush()
    return await checked.cart(session, settings)


async def remove(session: AsyncSession, buyer_id: uuid.UUID, code: str) -> None:
    if not await cart_repo.delete_item(session, buyer_id, code):
        raise UnknownSku(f"SKU {code} is not in the cart.")


async def clear(session: AsyncSession, buyer_id: uuid.UUID) -> None:
    await cart_repo.clear(session, buyer_id)
