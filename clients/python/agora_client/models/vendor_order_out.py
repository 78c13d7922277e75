from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.vendor_order_out_order_status import VendorOrderOutOrderStatus

if TYPE_CHECKING:
    from ..models.address_in import AddressIn
    from ..models.order_line_out import OrderLineOut
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="VendorOrderOut")


@_attrs_define
class VendorOrderOut:
    """
    Attributes:
        id (UUID):
        order_id (UUID):
        order_number (str):
        order_status (VendorOrderOutOrderStatus):
        status (str):
        subtotal (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping_zone (None | str): Your zone charged; null: the default rule
        tax (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping_address (AddressIn | None): Null once the buyer's account was erased (GDPR, ADR 0112)
        carrier (None | str):
        tracking_number (None | str):
        lines (list[OrderLineOut]):
    """

    id: UUID
    order_id: UUID
    order_number: str
    order_status: VendorOrderOutOrderStatus
    status: str
    subtotal: OrderMoney
    shipping: OrderMoney
    shipping_zone: None | str
    tax: OrderMoney
    shipping_address: AddressIn | None
    carrier: None | str
    tracking_number: None | str
    lines: list[OrderLineOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.address_in import AddressIn  # noqa: PLC0415

        id = str(self.id)

        order_id = str(self.order_id)

        order_number = self.order_number

        order_status = self.order_status.value

        status = self.status

        subtotal = self.subtotal.to_dict()

        shipping = self.shipping.to_dict()

        shipping_zone: None | str
        shipping_zone = self.shipping_zone

        tax = self.tax.to_dict()

        shipping_address: dict[str, Any] | None
        if isinstance(self.shipping_address, AddressIn):
            shipping_address = self.shipping_address.to_dict()
        else:
            shipping_address = self.shipping_address

        carrier: None | str
        carrier = self.carrier

        tracking_number: None | str
        tracking_number = self.tracking_number

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "order_id": order_id,
                "order_number": order_number,
                "order_status": order_status,
                "status": status,
                "subtotal": subtotal,
                "shipping": shipping,
                "shipping_zone": shipping_zone,
                "tax": tax,
                "shipping_address": shipping_address,
                "carrier": carrier,
                "tracking_number": tracking_number,
                "lines": lines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address_in import AddressIn  # noqa: PLC0415
        from ..models.order_line_out import OrderLineOut  # noqa: PLC0415
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        order_id = UUID(d.pop("order_id"))

        order_number = d.pop("order_number")

        order_status = VendorOrderOutOrderStatus(d.pop("order_status"))

        status = d.pop("status")

        subtotal = OrderMoney.from_dict(d.pop("subtotal"))

        shipping = OrderMoney.from_dict(d.pop("shipping"))

        def _parse_shipping_zone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        shipping_zone = _parse_shipping_zone(d.pop("shipping_zone"))

        tax = OrderMoney.from_dict(d.pop("tax"))

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

        def _parse_carrier(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        carrier = _parse_carrier(d.pop("carrier"))

        def _parse_tracking_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tracking_number = _parse_tracking_number(d.pop("tracking_number"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = OrderLineOut.from_dict(lines_item_data)

            lines.append(lines_item)

        vendor_order_out = cls(
            id=id,
            order_id=order_id,
            order_number=order_number,
            order_status=order_status,
            status=status,
            subtotal=subtotal,
            shipping=shipping,
            shipping_zone=shipping_zone,
            tax=tax,
            shipping_address=shipping_address,
            carrier=carrier,
            tracking_number=tracking_number,
            lines=lines,
        )

        vendor_order_out.additional_properties = d
        return vendor_order_out

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
