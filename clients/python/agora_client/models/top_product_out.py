from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="TopProductOut")


@_attrs_define
class TopProductOut:
    """
    Attributes:
        product_id (UUID):
        title (str):
        units (int):
        sales (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
    """

    product_id: UUID
    title: str
    units: int
    sales: OrderMoney
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        product_id = str(self.product_id)

        title = self.title

        units = self.units

        sales = self.sales.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "product_id": product_id,
                "title": title,
                "units": units,
                "sales": sales,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        product_id = UUID(d.pop("product_id"))

        title = d.pop("title")

        units = d.pop("units")

        sales = OrderMoney.from_dict(d.pop("sales"))

        top_product_out = cls(
            product_id=product_id,
            title=title,
            units=units,
            sales=sales,
        )

        top_product_out.additional_properties = d
        return top_product_out

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
