"""The cart's body: its lines at live prices, what shipping it to a destination costs,
store by store (ADR 0113), and, asked for, its prices shown in another currency (ADR
0118)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from agora_contracts.common import Money
from agora_kit.currency import DisplayMoney, Shown
from agora_order.service.cart import Cart
from agora_order.service.quote import VendorQuote


class CartVendorOut(BaseModel):
    vendor_id: UUID
    subtotal: Money
    shipping: Money
    tax: Money = Field(description="This store's part of the tax (included or added)")
    ships: bool | None = Field(
        description="Whether the store ships here; null when no country was given and the"
        " store's own shipping zones decide"
    )
    shipping_zone: str | None = Field(description="The store's zone charged; null: the default")


def cart_vendor_out(part: VendorQuote, currency: str) -> CartVendorOut:
    return CartVendorOut(
        vendor_id=part.vendor_id,
        subtotal=Money(amount=part.subtotal, currency=currency),
        shipping=Money(amount=part.shipping, currency=currency),
        tax=Money(amount=part.tax, currency=currency),
        ships=part.ships,
        shipping_zone=part.zone.name if part.zone else None,
    )


SHOWN = "Converted to the `currency` asked for, for display only; null without one"


class CartItemOut(BaseModel):
    sku: str
    product_id: UUID | None
    vendor_id: UUID | None
    title: str | None
    attributes: dict[str, str] = {}
    quantity: int
    unit_price: Money | None = Field(description="Live price; null when no longer for sale")
    line_total: Money | None
    display_unit_price: DisplayMoney | None = Field(default=None, description=SHOWN)
    display_line_total: DisplayMoney | None = Field(default=None, description=SHOWN)
    available: int
    for_sale: bool


class CartOut(BaseModel):
    items: list[CartItemOut]
    currency: str | None
    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money = Field(description="Included in the prices when tax_included, else added")
    total: Money
    display_subtotal: DisplayMoney | None = Field(default=None, description=SHOWN)
    display_total: DisplayMoney | None = Field(
        default=None, description=SHOWN + "; checkout charges `total`, in the cart's currency"
    )
    country: str | None = Field(description="The destination priced; null: none given")
    region: str | None
    tax_included: bool = Field(description="VAT-style: prices include the tax shown")
    tax_rate_bps: int = Field(description="The destination's tax rate, basis points")
    vendors: list[CartVendorOut] = Field(
        description="Each store's part: subtotal, shipping and tax, and whether it ships here"
    )


def cart_out(cart: Cart, shown: Shown | None = None) -> CartOut:
    items: list[CartItemOut] = []
    for line in cart.lines:
        sku, quantity = line.sku, line.item.quantity
        if sku is None or not line.for_sale:
            items.append(
                CartItemOut(
                    sku=line.item.sku,
                    product_id=sku.product_id if sku else None,
                    vendor_id=sku.vendor_id if sku else None,
                    title=sku.title if sku else None,
                    quantity=quantity,
                    unit_price=None,
                    line_total=None,
                    available=0,
                    for_sale=False,
                )
            )
            continue
        items.append(
            CartItemOut(
                sku=line.item.sku,
                product_id=sku.product_id,
                vendor_id=sku.vendor_id,
                title=sku.title,
                attributes={str(k): str(v) for k, v in sku.attributes.items()},
                quantity=quantity,
                unit_price=Money(amount=sku.price_amount, currency=sku.currency),
                line_total=Money(amount=sku.price_amount * quantity, currency=sku.currency),
                display_unit_price=shown.money(sku.price_amount, sku.currency) if shown else None,
                display_line_total=(
                    shown.money(sku.price_amount * quantity, sku.currency) if shown else None
                ),
                available=max(sku.available, 0),
                for_sale=True,
            )
        )
    shown_currency = cart.currency or "USD"

    def money(amount: int) -> Money:
        return Money(amount=amount, currency=shown_currency)

    sums = cart.totals
    return CartOut(
        items=items,
        currency=cart.currency,
        subtotal=money(sums.subtotal),
        discount=money(sums.discount),
        shipping=money(sums.shipping),
        tax=money(sums.tax),
        total=money(sums.total),
        display_subtotal=shown.money(sums.subtotal, shown_currency) if shown else None,
        display_total=shown.money(sums.total, shown_currency) if shown else None,
        country=cart.destination.country,
        region=cart.destination.region,
        tax_included=sums.tax_included,
        tax_rate_bps=cart.quote.tax.rate_bps,
        vendors=[cart_vendor_out(part, shown_currency) for part in cart.quote.vendors],
    )
