"""The public API's bodies (kept apart from the tables), and the mapping between them
and the service's domain objects."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from agora_contracts.common import Money
from agora_order.api import examples
from agora_order.models import AWAITING_PAYMENT, Coupon, OrderLine
from agora_order.service.checkout import CheckoutRequest
from agora_order.service.coupons import NewCoupon
from agora_order.service.orders import OrderDetail, VendorSubOrder


def _storable(value: str) -> str:
    """Text PostgreSQL can store: no NUL byte, no lone surrogate (422, not 500)."""
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("contains a NUL character or invalid Unicode")
    return value


SkuCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_storable)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_storable)]
Quantity = Annotated[int, Field(gt=0, le=1000)]
MinorUnits = Annotated[int, Field(ge=0, le=10**12)]


class CartItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.CART_ITEM_IN)

    sku: SkuCode
    quantity: Quantity


class QuantityIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.QUANTITY_IN)

    quantity: Quantity


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    line1: Name
    line2: Name | None = None
    city: Short
    region: Short | None = None
    postal_code: Annotated[
        str, StringConstraints(min_length=1, max_length=20), AfterValidator(_storable)
    ]
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")


class CheckoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.CHECKOUT_IN)

    shipping_address: AddressIn
    coupon_code: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"
    )
    payment_method: str | None = Field(
        default=None, max_length=255, pattern=r"^[A-Za-z0-9_]+$", examples=["pm_card_visa"]
    )


OrderStatus = Literal[
    "pending", "awaiting_payment", "confirmed", "shipped", "delivered", "cancelled", "refunded"
]


class OrderLineOut(BaseModel):
    sku: str
    product_id: UUID
    vendor_id: UUID
    title: str
    quantity: int
    unit_price: Money
    line_total: Money


class SubOrderOut(BaseModel):
    id: UUID
    vendor_id: UUID
    status: str
    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money = Field(description="Its part of the order's tax")
    shipping_zone: str | None = Field(description="The store's zone charged; null: the default")
    carrier: str | None
    tracking_number: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: list[OrderLineOut]


class PaymentOut(BaseModel):
    payment_id: UUID | None
    client_secret: str | None
    paid: bool


class OrderOut(BaseModel):
    id: UUID
    number: str
    status: OrderStatus
    cancel_reason: str | None
    currency: str
    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money = Field(description="Included in the prices when tax_included, else added")
    total: Money
    tax_included: bool
    tax_rate_bps: int | None = Field(description="The rate charged; null on older orders")
    refunded: Money
    coupon_code: str | None
    discount_funded_by: str = Field(description="Who gives the discount up: vendor or platform")
    shipping_address: AddressIn | None = Field(
        description="Null once the buyer's account was erased (GDPR, ADR 0112)"
    )
    payment: PaymentOut | None = Field(description="Set once the order awaits payment")
    sub_orders: list[SubOrderOut]
    placed_at: datetime
    updated_at: datetime


class CouponIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.COUPON_IN)

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    kind: Literal["percent", "fixed"]
    value: int = Field(
        gt=0, le=10**12, description="Whole percent (1-100), or minor units when fixed"
    )
    currency: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{3}$",
        validate_default=True,
        description="ISO 4217; required for a fixed coupon, which applies only in it",
    )
    min_subtotal: MinorUnits = Field(default=0, description="Minor units")
    expires_at: AwareDatetime | None = None
    max_uses: int | None = Field(default=None, gt=0, le=2**31 - 1)
    max_uses_per_user: int | None = Field(default=None, gt=0, le=2**31 - 1)
    funded_by: Literal["vendor", "platform"] = Field(
        default="vendor",
        description="Who gives the discount up: the vendors (default) or the platform",
    )

    @field_validator("currency")
    @classmethod
    def _fixed_needs_currency(cls, currency: str | None, info: ValidationInfo) -> str | None:
        # An amount off means nothing without its currency: 500 would be 5 dollars
        # off a dollar order and 500 yen off a yen one.
        if currency is None and info.data.get("kind") == "fixed":
            raise ValueError("a fixed-amount coupon needs its currency")
        return currency


class CouponOut(BaseModel):
    code: str
    kind: str
    value: int
    currency: str | None
    min_subtotal: int
    expires_at: datetime | None
    max_uses: int | None
    max_uses_per_user: int | None
    used: int
    funded_by: str
    created_at: datetime


class ShipIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples.SHIP_IN)

    carrier: Annotated[
        str, StringConstraints(min_length=1, max_length=64), AfterValidator(_storable)
    ]
    tracking_number: Annotated[
        str, StringConstraints(min_length=1, max_length=128), AfterValidator(_storable)
    ]


class VendorOrderOut(BaseModel):
    id: UUID
    order_id: UUID
    order_number: str
    order_status: OrderStatus
    status: str
    subtotal: Money
    shipping: Money = Field(description="The shipping the buyer paid for this parcel")
    shipping_zone: str | None = Field(description="Your zone charged; null: the default rule")
    tax: Money = Field(description="This part's share of the order's tax")
    shipping_address: AddressIn | None = Field(
        description="Null once the buyer's account was erased (GDPR, ADR 0112)"
    )
    carrier: str | None
    tracking_number: str | None
    lines: list[OrderLineOut]


# --- From the bodies to the service's requests.


def checkout_request(body: CheckoutIn) -> CheckoutRequest:
    return CheckoutRequest(
        shipping_address=body.shipping_address.model_dump(mode="json"),
        coupon_code=body.coupon_code,
        payment_method=body.payment_method,
    )


def new_coupon(body: CouponIn) -> NewCoupon:
    return NewCoupon(**body.model_dump())  # the same fields, by name


# --- From the service's domain objects to the responses.


def _address(stored: dict[str, Any] | None) -> AddressIn | None:
    return None if stored is None else AddressIn.model_validate(stored)


def _line_out(line: OrderLine, currency: str) -> OrderLineOut:
    return OrderLineOut(
        sku=line.sku,
        product_id=line.product_id,
        vendor_id=line.vendor_id,
        title=line.title,
        quantity=line.quantity,
        unit_price=Money(amount=line.unit_amount, currency=currency),
        line_total=Money(amount=line.line_amount, currency=currency),
    )


def order_out(detail: OrderDetail) -> OrderOut:
    order = detail.order

    def money(amount: int) -> Money:
        return Money(amount=amount, currency=order.currency)

    payment = None
    if order.payment_id is not None or order.status == AWAITING_PAYMENT:
        payment = PaymentOut(
            payment_id=order.payment_id, client_secret=order.client_secret, paid=order.paid
        )
    return OrderOut(
        id=order.id,
        number=order.number,
        status=order.status,
        cancel_reason=order.cancel_reason,
        currency=order.currency,
        subtotal=money(order.subtotal_amount),
        discount=money(order.discount_amount),
        shipping=money(order.shipping_amount),
        tax=money(order.tax_amount),
        total=money(order.total_amount),
        tax_included=order.tax_included,
        tax_rate_bps=order.tax_rate_bps,
        refunded=money(order.refunded_amount),
        coupon_code=order.coupon_code,
        discount_funded_by=order.discount_funded_by,
        shipping_address=_address(order.shipping_address),
        payment=payment,
        sub_orders=[
            SubOrderOut(
                id=part.sub.id,
                vendor_id=part.sub.vendor_id,
                status=part.sub.status,
                subtotal=money(part.sub.subtotal_amount),
                discount=money(part.sub.discount_amount),
                shipping=money(part.sub.shipping_amount),
                tax=money(part.sub.tax_amount),
                shipping_zone=part.sub.shipping_zone_name,
                carrier=part.sub.carrier,
                tracking_number=part.sub.tracking_number,
                shipped_at=part.sub.shipped_at,
                delivered_at=part.sub.delivered_at,
                lines=[_line_out(line, order.currency) for line in part.lines],
            )
            for part in detail.sub_orders
        ],
        placed_at=order.placed_at,
        updated_at=order.updated_at,
    )


def vendor_order_out(one: VendorSubOrder) -> VendorOrderOut:
    sub, order = one.sub, one.order
    return VendorOrderOut(
        id=sub.id,
        order_id=order.id,
        order_number=order.number,
        order_status=order.status,
        status=sub.status,
        subtotal=Money(amount=sub.subtotal_amount, currency=order.currency),
        shipping=Money(amount=sub.shipping_amount, currency=order.currency),
        shipping_zone=sub.shipping_zone_name,
        tax=Money(amount=sub.tax_amount, currency=order.currency),
        shipping_address=_address(order.shipping_address),
        carrier=sub.carrier,
        tracking_number=sub.tracking_number,
        lines=[_line_out(line, order.currency) for line in one.lines],
    )


def coupon_out(coupon: Coupon) -> CouponOut:
    return CouponOut(
        code=coupon.code,
        kind=coupon.kind,
        value=coupon.value,
        currency=coupon.currency,
        min_subtotal=coupon.min_subtotal_amount,
        expires_at=coupon.expires_at,
        max_uses=coupon.max_uses,
        max_uses_per_user=coupon.max_uses_per_user,
        used=coupon.used,
        funded_by=coupon.funded_by,
        created_at=coupon.created_at,
    )
