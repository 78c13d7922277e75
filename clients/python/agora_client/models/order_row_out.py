from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OrderRowOut")


@_attrs_define
class OrderRowOut:
    """
    Attributes:
        order_id (UUID):
        number (str):
        placed_at (datetime.datetime):
        buyer_id (UUID):
        status (str):
        paid (bool):
        currency (str):
        subtotal_amount (int):
        discount_amount (int):
        shipping_amount (int):
        tax_amount (int):
        total_amount (int):
        refunded_amount (int):
        coupon_code (None | str):
    """

    order_id: UUID
    number: str
    placed_at: datetime.datetime
    buyer_id: UUID
    status: str
    paid: bool
    currency: str
    subtotal_amount: int
    discount_amount: int
    shipping_amount: int
    tax_amount: int
    total_amount: int
    refunded_amount: int
    coupon_code: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = str(self.order_id)

        number = self.number

        placed_at = self.placed_at.isoformat()

        buyer_id = str(self.buyer_id)

        status = self.status

        paid = self.paid

        currency = self.currency

        subtotal_amount = self.subtotal_amount

        discount_amount = self.discount_amount

        shipping_amount = self.shipping_amount

        tax_amount = self.tax_amount

        total_amount = self.total_amount

        refunded_amount = self.refunded_amount

        coupon_code: None | str
        coupon_code = self.coupon_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
                "number": number,
                "placed_at": placed_at,
                "buyer_id": buyer_id,
                "status": status,
                "paid": paid,
                "currency": currency,
                "subtotal_amount": subtotal_amount,
                "discount_amount": discount_amount,
                "shipping_amount": shipping_amount,
                "tax_amount": tax_amount,
                "total_amount": total_amount,
                "refunded_amount": refunded_amount,
                "coupon_code": coupon_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_id = UUID(d.pop("order_id"))

        number = d.pop("number")

        placed_at = datetime.datetime.fromisoformat(d.pop("placed_at"))

        buyer_id = UUID(d.pop("buyer_id"))

        status = d.pop("status")

        paid = d.pop("paid")

        currency = d.pop("currency")

        subtotal_amount = d.pop("subtotal_amount")

        discount_amount = d.pop("discount_amount")

        shipping_amount = d.pop("shipping_amount")

        tax_amount = d.pop("tax_amount")

        total_amount = d.pop("total_amount")

        refunded_amount = d.pop("refunded_amount")

        def _parse_coupon_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        coupon_code = _parse_coupon_code(d.pop("coupon_code"))

        order_row_out = cls(
            order_id=order_id,
            number=number,
            placed_at=placed_at,
            buyer_id=buyer_id,
            status=status,
            paid=paid,
            currency=currency,
            subtotal_amount=subtotal_amount,
            discount_amount=discount_amount,
            shipping_amount=shipping_amount,
            tax_amount=tax_amount,
            total_amount=total_amount,
            refunded_amount=refunded_amount,
            coupon_code=coupon_code,
        )

        order_row_out.additional_properties = d
        return order_row_out

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
