from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_line_out import OrderLineOut
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="SubOrderOut")


@_attrs_define
class SubOrderOut:
    """
    Attributes:
        id (UUID):
        vendor_id (UUID):
        status (str):
        subtotal (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        discount (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        tax (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping_zone (None | str): The store's zone charged; null: the default
        carrier (None | str):
        tracking_number (None | str):
        shipped_at (datetime.datetime | None):
        delivered_at (datetime.datetime | None):
        lines (list[OrderLineOut]):
    """

    id: UUID
    vendor_id: UUID
    status: str
    subtotal: OrderMoney
    discount: OrderMoney
    shipping: OrderMoney
    tax: OrderMoney
    shipping_zone: None | str
    carrier: None | str
    tracking_number: None | str
    shipped_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    lines: list[OrderLineOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        vendor_id = str(self.vendor_id)

        status = self.status

        subtotal = self.subtotal.to_dict()

        discount = self.discount.to_dict()

        shipping = self.shipping.to_dict()

        tax = self.tax.to_dict()

        shipping_zone: None | str
        shipping_zone = self.shipping_zone

        carrier: None | str
        carrier = self.carrier

        tracking_number: None | str
        tracking_number = self.tracking_number

        shipped_at: None | str
        if isinstance(self.shipped_at, datetime.datetime):
            shipped_at = self.shipped_at.isoformat()
        else:
            shipped_at = self.shipped_at

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "vendor_id": vendor_id,
                "status": status,
                "subtotal": subtotal,
                "discount": discount,
                "shipping": shipping,
                "tax": tax,
                "shipping_zone": shipping_zone,
                "carrier": carrier,
                "tracking_number": tracking_number,
                "shipped_at": shipped_at,
                "delivered_at": delivered_at,
                "lines": lines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_line_out import OrderLineOut  # noqa: PLC0415
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        vendor_id = UUID(d.pop("vendor_id"))

        status = d.pop("status")

        subtotal = OrderMoney.from_dict(d.pop("subtotal"))

        discount = OrderMoney.from_dict(d.pop("discount"))

        shipping = OrderMoney.from_dict(d.pop("shipping"))

        tax = OrderMoney.from_dict(d.pop("tax"))

        def _parse_shipping_zone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        shipping_zone = _parse_shipping_zone(d.pop("shipping_zone"))

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

        def _parse_shipped_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                shipped_at_type_0 = datetime.datetime.fromisoformat(data)

                return shipped_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        shipped_at = _parse_shipped_at(d.pop("shipped_at"))

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = OrderLineOut.from_dict(lines_item_data)

            lines.append(lines_item)

        sub_order_out = cls(
            id=id,
            vendor_id=vendor_id,
            status=status,
            subtotal=subtotal,
            discount=discount,
            shipping=shipping,
            tax=tax,
            shipping_zone=shipping_zone,
            carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=shipped_at,
            delivered_at=delivered_at,
            lines=lines,
        )

        sub_order_out.additional_properties = d
        return sub_order_out

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
