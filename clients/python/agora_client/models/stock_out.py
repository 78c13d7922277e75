from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StockOut")


@_attrs_define
class StockOut:
    """
    Attributes:
        sku (str):
        product_id (UUID):
        on_hand (int):
        reserved (int):
        available (int):
        updated_at (datetime.datetime):
    """

    sku: str
    product_id: UUID
    on_hand: int
    reserved: int
    available: int
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        product_id = str(self.product_id)

        on_hand = self.on_hand

        reserved = self.reserved

        available = self.available

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "product_id": product_id,
                "on_hand": on_hand,
                "reserved": reserved,
                "available": available,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sku = d.pop("sku")

        product_id = UUID(d.pop("product_id"))

        on_hand = d.pop("on_hand")

        reserved = d.pop("reserved")

        available = d.pop("available")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        stock_out = cls(
            sku=sku,
            product_id=product_id,
            on_hand=on_hand,
            reserved=reserved,
            available=available,
            updated_at=updated_at,
        )

        stock_out.additional_properties = d
        return stock_out

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
