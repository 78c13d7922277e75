from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="OrderLineOut")


@_attrs_define
class OrderLineOut:
    """
    Attributes:
        sku (str):
        product_id (UUID):
        vendor_id (UUID):
        title (str):
        quantity (int):
        unit_price (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        line_total (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
    """

    sku: str
    product_id: UUID
    vendor_id: UUID
    title: str
    quantity: int
    unit_price: OrderMoney
    line_total: OrderMoney
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        product_id = str(self.product_id)

        vendor_id = str(self.vendor_id)

        title = self.title

        quantity = self.quantity

        unit_price = self.unit_price.to_dict()

        line_total = self.line_total.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "product_id": product_id,
                "vendor_id": vendor_id,
                "title": title,
                "quantity": quantity,
                "unit_price": unit_price,
                "line_total": line_total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        sku = d.pop("sku")

        product_id = UUID(d.pop("product_id"))

        vendor_id = UUID(d.pop("vendor_id"))

        title = d.pop("title")

        quantity = d.pop("quantity")

        unit_price = OrderMoney.from_dict(d.pop("unit_price"))

        line_total = OrderMoney.from_dict(d.pop("line_total"))

        order_line_out = cls(
            sku=sku,
            product_id=product_id,
            vendor_id=vendor_id,
            title=title,
            quantity=quantity,
            unit_price=unit_price,
            line_total=line_total,
        )

        order_line_out.additional_properties = d
        return order_line_out

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
