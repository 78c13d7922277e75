from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.display_money import DisplayMoney
    from ..models.money import Money
    from ..models.variant_out_attributes import VariantOutAttributes


T = TypeVar("T", bound="VariantOut")


@_attrs_define
class VariantOut:
    """
    Attributes:
        id (UUID):
        sku (str):
        price (Money):
        attributes (VariantOutAttributes):
        available (int): Units that can be ordered now
        display_price (DisplayMoney | None | Unset): The price converted to the `currency` asked for (display only);
            null without one
        on_hand (int | None | Unset): Owner and admins only
        reserved (int | None | Unset): Owner and admins only
    """

    id: UUID
    sku: str
    price: Money
    attributes: VariantOutAttributes
    available: int
    display_price: DisplayMoney | None | Unset = UNSET
    on_hand: int | None | Unset = UNSET
    reserved: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415

        id = str(self.id)

        sku = self.sku

        price = self.price.to_dict()

        attributes = self.attributes.to_dict()

        available = self.available

        display_price: dict[str, Any] | None | Unset
        if isinstance(self.display_price, Unset):
            display_price = UNSET
        elif isinstance(self.display_price, DisplayMoney):
            display_price = self.display_price.to_dict()
        else:
            display_price = self.display_price

        on_hand: int | None | Unset
        if isinstance(self.on_hand, Unset):
            on_hand = UNSET
        else:
            on_hand = self.on_hand

        reserved: int | None | Unset
        if isinstance(self.reserved, Unset):
            reserved = UNSET
        else:
            reserved = self.reserved

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "sku": sku,
                "price": price,
                "attributes": attributes,
                "available": available,
            }
        )
        if display_price is not UNSET:
            field_dict["display_price"] = display_price
        if on_hand is not UNSET:
            field_dict["on_hand"] = on_hand
        if reserved is not UNSET:
            field_dict["reserved"] = reserved

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415
        from ..models.money import Money  # noqa: PLC0415
        from ..models.variant_out_attributes import VariantOutAttributes  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        sku = d.pop("sku")

        price = Money.from_dict(d.pop("price"))

        attributes = VariantOutAttributes.from_dict(d.pop("attributes"))

        available = d.pop("available")

        def _parse_display_price(data: object) -> DisplayMoney | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                display_price_type_0 = DisplayMoney.from_dict(data)

                return display_price_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisplayMoney | None | Unset, data)

        display_price = _parse_display_price(d.pop("display_price", UNSET))

        def _parse_on_hand(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        on_hand = _parse_on_hand(d.pop("on_hand", UNSET))

        def _parse_reserved(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reserved = _parse_reserved(d.pop("reserved", UNSET))

        variant_out = cls(
            id=id,
            sku=sku,
            price=price,
            attributes=attributes,
            available=available,
            display_price=display_price,
            on_hand=on_hand,
            reserved=reserved,
        )

        variant_out.additional_properties = d
        return variant_out

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
