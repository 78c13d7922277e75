from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="CartVendorOut")


@_attrs_define
class CartVendorOut:
    """
    Attributes:
        vendor_id (UUID):
        subtotal (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        tax (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        ships (bool | None): Whether the store ships here; null when no country was given and the store's own shipping
            zones decide
        shipping_zone (None | str): The store's zone charged; null: the default
    """

    vendor_id: UUID
    subtotal: OrderMoney
    shipping: OrderMoney
    tax: OrderMoney
    ships: bool | None
    shipping_zone: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vendor_id = str(self.vendor_id)

        subtotal = self.subtotal.to_dict()

        shipping = self.shipping.to_dict()

        tax = self.tax.to_dict()

        ships: bool | None
        ships = self.ships

        shipping_zone: None | str
        shipping_zone = self.shipping_zone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vendor_id": vendor_id,
                "subtotal": subtotal,
                "shipping": shipping,
                "tax": tax,
                "ships": ships,
                "shipping_zone": shipping_zone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        vendor_id = UUID(d.pop("vendor_id"))

        subtotal = OrderMoney.from_dict(d.pop("subtotal"))

        shipping = OrderMoney.from_dict(d.pop("shipping"))

        tax = OrderMoney.from_dict(d.pop("tax"))

        def _parse_ships(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        ships = _parse_ships(d.pop("ships"))

        def _parse_shipping_zone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        shipping_zone = _parse_shipping_zone(d.pop("shipping_zone"))

        cart_vendor_out = cls(
            vendor_id=vendor_id,
            subtotal=subtotal,
            shipping=shipping,
            tax=tax,
            ships=ships,
            shipping_zone=shipping_zone,
        )

        cart_vendor_out.additional_properties = d
        return cart_vendor_out

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
