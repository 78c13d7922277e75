"""The public API's bodies (kept apart from the tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
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

from agora_contracts.catalog import Money


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
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    quantity: Quantity


class QuantityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Quantity


class CartItemOut(BaseModel):
    sku: str
    product_id: UUID | None
    vendor_id: UUID | None
    title: str | None
    attributes: dict[str, str] = {}
    quantity: int
    unit_price: Money | None = Field(description="Live price; null when no longer for sale")
    line_total: Money | None
    available: int
    for_sale: bool


class CartOut(BaseModel):
    items: list[CartItemOut]
    currency: str | None
    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money
    total: Money


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
    model_config = ConfigDict(extra="forbid")

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
    tax: Money
    total: Money
    refunded: Money
    coupon_code: str | None
    discount_funded_by: str = Field(description="Who gives the discount up: vendor or platform")
    shipping_address: AddressIn
    payment: PaymentOut | None = Field(description="Set once the order awaits payment")
    sub_orders: list[SubOrderOut]
    placed_at: datetime
    updated_at: datetime


class CouponIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class ShipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    shipping_address: AddressIn
    carrier: str | None
    tracking_number: str | None
    lines: list[OrderLineOut]
