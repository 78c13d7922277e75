from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_out_status import OrderOutStatus

if TYPE_CHECKING:
    from ..models.address_in import AddressIn
    from ..models.order_money import OrderMoney
    from ..models.payment_out import PaymentOut
    from ..models.sub_order_out import SubOrderOut


T = TypeVar("T", bound="OrderOut")


@_attrs_define
class OrderOut:
    """
    Attributes:
        id (UUID):
        number (str):
        status (OrderOutStatus):
        cancel_reason (None | str):
        currency (str):
        subtotal (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        discount (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        tax (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        total (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        tax_included (bool):
        tax_rate_bps (int | None): The rate charged; null on older orders
        refunded (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        coupon_code (None | str):
        discount_funded_by (str): Who gives the discount up: vendor or platform
        shipping_address (AddressIn | None): Null once the buyer's account was erased (GDPR, ADR 0112)
        payment (None | PaymentOut): Set once the order awaits payment
        sub_orders (list[SubOrderOut]):
        placed_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    number: str
    status: OrderOutStatus
    cancel_reason: None | str
    currency: str
    subtotal: OrderMoney
    discount: OrderMoney
    shipping: OrderMoney
    tax: OrderMoney
    total: OrderMoney
    tax_included: bool
    tax_rate_bps: int | None
    refunded: OrderMoney
    coupon_code: None | str
    discount_funded_by: str
    shipping_address: AddressIn | None
    payment: None | PaymentOut
    sub_orders: list[SubOrderOut]
    placed_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.address_in import AddressIn  # noqa: PLC0415
        from ..models.payment_out import PaymentOut  # noqa: PLC0415

        id = str(self.id)

        number = self.number

        status = self.status.value

        cancel_reason: None | str
        cancel_reason = self.cancel_reason

        currency = self.currency

        subtotal = self.subtotal.to_dict()

        discount = self.discount.to_dict()

        shipping = self.shipping.to_dict()

        tax = self.tax.to_dict()

        total = self.total.to_dict()

        tax_included = self.tax_included

        tax_rate_bps: int | None
        tax_rate_bps = self.tax_rate_bps

        refunded = self.refunded.to_dict()

        coupon_code: None | str
        coupon_code = self.coupon_code

        discount_funded_by = self.discount_funded_by

        shipping_address: dict[str, Any] | None
        if isinstance(self.shipping_address, AddressIn):
            shipping_address = self.shipping_address.to_dict()
        else:
            shipping_address = self.shipping_address

        payment: dict[str, Any] | None
        if isinstance(self.payment, PaymentOut):
            payment = self.payment.to_dict()
        else:
            payment = self.payment

        sub_orders = []
        for sub_orders_item_data in self.sub_orders:
            sub_orders_item = sub_orders_item_data.to_dict()
            sub_orders.append(sub_orders_item)

        placed_at = self.placed_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "number": number,
                "status": status,
                "cancel_reason": cancel_reason,
                "currency": currency,
                "subtotal": subtotal,
                "discount": discount,
                "shipping": shipping,
                "tax": tax,
                "total": total,
                "tax_included": tax_included,
                "tax_rate_bps": tax_rate_bps,
                "refunded": refunded,
                "coupon_code": coupon_code,
                "discount_funded_by": discount_funded_by,
                "shipping_address": shipping_address,
                "payment": payment,
                "sub_orders": sub_orders,
                "placed_at": placed_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address_in import AddressIn  # noqa: PLC0415
        from ..models.order_money import OrderMoney  # noqa: PLC0415
        from ..models.payment_out import PaymentOut  # noqa: PLC0415
        from ..models.sub_order_out import SubOrderOut  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        number = d.pop("number")

        status = OrderOutStatus(d.pop("status"))

        def _parse_cancel_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cancel_reason = _parse_cancel_reason(d.pop("cancel_reason"))

        currency = d.pop("currency")

        subtotal = OrderMoney.from_dict(d.pop("subtotal"))

        discount = OrderMoney.from_dict(d.pop("discount"))

        shipping = OrderMoney.from_dict(d.pop("shipping"))

        tax = OrderMoney.from_dict(d.pop("tax"))

        total = OrderMoney.from_dict(d.pop("total"))

        tax_included = d.pop("tax_included")

        def _parse_tax_rate_bps(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        tax_rate_bps = _parse_tax_rate_bps(d.pop("tax_rate_bps"))

        refunded = OrderMoney.from_dict(d.pop("refunded"))

        def _parse_coupon_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        coupon_code = _parse_coupon_code(d.pop("coupon_code"))

        discount_funded_by = d.pop("discount_funded_by")

        def _parse_shipping_address(data: object) -> AddressIn | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                shipping_address_type_0 = AddressIn.from_dict(data)

                return shipping_address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AddressIn | None, data)

        shipping_address = _parse_shipping_address(d.pop("shipping_address"))

        def _parse_payment(data: object) -> None | PaymentOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_type_0 = PaymentOut.from_dict(data)

                return payment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentOut, data)

        payment = _parse_payment(d.pop("payment"))

        sub_orders = []
        _sub_orders = d.pop("sub_orders")
        for sub_orders_item_data in _sub_orders:
            sub_orders_item = SubOrderOut.from_dict(sub_orders_item_data)

            sub_orders.append(sub_orders_item)

        placed_at = datetime.datetime.fromisoformat(d.pop("placed_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        order_out = cls(
            id=id,
            number=number,
            status=status,
            cancel_reason=cancel_reason,
            currency=currency,
            subtotal=subtotal,
            discount=discount,
            shipping=shipping,
            tax=tax,
            total=total,
            tax_included=tax_included,
            tax_rate_bps=tax_rate_bps,
            refunded=refunded,
            coupon_code=coupon_code,
            discount_funded_by=discount_funded_by,
            shipping_address=shipping_address,
            payment=payment,
            sub_orders=sub_orders,
            placed_at=placed_at,
            updated_at=updated_at,
        )

        order_out.additional_properties = d
        return order_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
