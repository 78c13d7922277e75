from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.money import Money
    from ..models.variant_in_attributes import VariantInAttributes


T = TypeVar("T", bound="VariantIn")


@_attrs_define
class VariantIn:
    """
    Attributes:
        sku (str):
        price (Money):
        attributes (VariantInAttributes | Unset): Name to value, such as {"colour": "red", "size": "M"}
        stock (int | Unset): Units on hand Default: 0.
    """

    sku: str
    price: Money
    attributes: VariantInAttributes | Unset = UNSET
    stock: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        price = self.price.to_dict()

        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        stock = self.stock

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "price": price,
            }
        )
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if stock is not UNSET:
            field_dict["stock"] = stock

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.money import Money  # noqa: PLC0415
        from ..models.variant_in_attributes import VariantInAttributes  # noqa: PLC0415

        d = dict(src_dict)
        sku = d.pop("sku")

        price = Money.from_dict(d.pop("price"))

        _attributes = d.pop("attributes", UNSET)
        attributes: VariantInAttributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = VariantInAttributes.from_dict(_attributes)

        stock = d.pop("stock", UNSET)

        variant_in = cls(
            sku=sku,
            price=price,
            attributes=attributes,
            stock=stock,
        )

        variant_in.additional_properties = d
        return variant_in

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
