from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.return_out_status import ReturnOutStatus

if TYPE_CHECKING:
    from ..models.order_money import OrderMoney
    from ..models.return_line_out import ReturnLineOut


T = TypeVar("T", bound="ReturnOut")


@_attrs_define
class ReturnOut:
    """
    Attributes:
        id (UUID):
        order_id (UUID):
        sub_order_id (UUID):
        vendor_id (UUID):
        status (ReturnOutStatus):
        lines (list[ReturnLineOut]):
        reason (str):
        restock (bool | None): The store's choice on approval; null before
        reject_reason (None | str):
        refund (None | OrderMoney): Fixed when the store receives the parcel
        requested_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    order_id: UUID
    sub_order_id: UUID
    vendor_id: UUID
    status: ReturnOutStatus
    lines: list[ReturnLineOut]
    reason: str
    restock: bool | None
    reject_reason: None | str
    refund: None | OrderMoney
    requested_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        id = str(self.id)

        order_id = str(self.order_id)

        sub_order_id = str(self.sub_order_id)

        vendor_id = str(self.vendor_id)

        status = self.status.value

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        reason = self.reason

        restock: bool | None
        restock = self.restock

        reject_reason: None | str
        reject_reason = self.reject_reason

        refund: dict[str, Any] | None
        if isinstance(self.refund, OrderMoney):
            refund = self.refund.to_dict()
        else:
            refund = self.refund

        requested_at = self.requested_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "order_id": order_id,
                "sub_order_id": sub_order_id,
                "vendor_id": vendor_id,
                "status": status,
                "lines": lines,
                "reason": reason,
                "restock": restock,
                "reject_reason": reject_reason,
                "refund": refund,
                "requested_at": requested_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_money import OrderMoney  # noqa: PLC0415
        from ..models.return_line_out import ReturnLineOut  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        order_id = UUID(d.pop("order_id"))

        sub_order_id = UUID(d.pop("sub_order_id"))

        vendor_id = UUID(d.pop("vendor_id"))

        status = ReturnOutStatus(d.pop("status"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = ReturnLineOut.from_dict(lines_item_data)

            lines.append(lines_item)

        reason = d.pop("reason")

        def _parse_restock(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        restock = _parse_restock(d.pop("restock"))

        def _parse_reject_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reject_reason = _parse_reject_reason(d.pop("reject_reason"))

        def _parse_refund(data: object) -> None | OrderMoney:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refund_type_0 = OrderMoney.from_dict(data)

                return refund_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderMoney, data)

        refund = _parse_refund(d.pop("refund"))

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        return_out = cls(
            id=id,
            order_id=order_id,
            sub_order_id=sub_order_id,
            vendor_id=vendor_id,
            status=status,
            lines=lines,
            reason=reason,
            restock=restock,
            reject_reason=reject_reason,
            refund=refund,
            requested_at=requested_at,
            updated_at=updated_at,
        )

        return_out.additional_properties = d
        return return_out

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
