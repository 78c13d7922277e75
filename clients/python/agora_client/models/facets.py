from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.facet_value import FacetValue


T = TypeVar("T", bound="Facets")


@_attrs_define
class Facets:
    """
    Attributes:
        category (list[FacetValue]):
        vendor (list[FacetValue]):
        price (list[FacetValue]): Buckets of the lowest price in minor units, "1000-2500" (upper bound excluded) or
            "50000-"
        attributes (list[FacetValue]): "name:value" of variant attributes
    """

    category: list[FacetValue]
    vendor: list[FacetValue]
    price: list[FacetValue]
    attributes: list[FacetValue]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = []
        for category_item_data in self.category:
            category_item = category_item_data.to_dict()
            category.append(category_item)

        vendor = []
        for vendor_item_data in self.vendor:
            vendor_item = vendor_item_data.to_dict()
            vendor.append(vendor_item)

        price = []
        for price_item_data in self.price:
            price_item = price_item_data.to_dict()
            price.append(price_item)

        attributes = []
        for attributes_item_data in self.attributes:
            attributes_item = attributes_item_data.to_dict()
            attributes.append(attributes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "vendor": vendor,
                "price": price,
                "attributes": attributes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.facet_value import FacetValue  # noqa: PLC0415

        d = dict(src_dict)
        category = []
        _category = d.pop("category")
        for category_item_data in _category:
            category_item = FacetValue.from_dict(category_item_data)

            category.append(category_item)

        vendor = []
        _vendor = d.pop("vendor")
        for vendor_item_data in _vendor:
            vendor_item = FacetValue.from_dict(vendor_item_data)

            vendor.append(vendor_item)

        price = []
        _price = d.pop("price")
        for price_item_data in _price:
            price_item = FacetValue.from_dict(price_item_data)

            price.append(price_item)

        attributes = []
        _attributes = d.pop("attributes")
        for attributes_item_data in _attributes:
            attributes_item = FacetValue.from_dict(attributes_item_data)

            attributes.append(attributes_item)

        facets = cls(
            category=category,
            vendor=vendor,
            price=price,
            attributes=attributes,
        )

        facets.additional_properties = d
        return facets

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
