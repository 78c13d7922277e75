from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LowStockOut")


@_attrs_define
class LowStockOut:
    """
    Attributes:
        sku (str):
        product_id (UUID):
        title (str):
        available (int):
    """

    sku: str
    product_id: UUID
    title: str
    available: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        product_id = str(self.product_id)

        title = self.title

        available = self.available

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "product_id": product_id,
                "title": title,
                "available": available,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sku = d.pop("sku")

        product_id = UUID(d.pop("product_id"))

        title = d.pop("title")

        available = d.pop("available")

        low_stock_out = cls(
            sku=sku,
            product_id=product_id,
            title=title,
            available=available,
        )

        low_stock_out.additional_properties = d
        return low_stock_out

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
