from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PayoutRowOut")


@_attrs_define
class PayoutRowOut:
    """
    Attributes:
        payout_id (UUID):
        created_at (datetime.datetime):
        status (str):
        vendor_id (UUID):
        order_id (UUID):
        payment_id (UUID):
        currency (str):
        gross_amount (int):
        fee_amount (int):
        amount (int):
        reversed_amount (int):
        release_at (datetime.datetime | None):
        paid_at (datetime.datetime | None):
        transfer_id (None | str):
    """

    payout_id: UUID
    created_at: datetime.datetime
    status: str
    vendor_id: UUID
    order_id: UUID
    payment_id: UUID
    currency: str
    gross_amount: int
    fee_amount: int
    amount: int
    reversed_amount: int
    release_at: datetime.datetime | None
    paid_at: datetime.datetime | None
    transfer_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        payout_id = str(self.payout_id)

        created_at = self.created_at.isoformat()

        status = self.status

        vendor_id = str(self.vendor_id)

        order_id = str(self.order_id)

        payment_id = str(self.payment_id)

        currency = self.currency

        gross_amount = self.gross_amount

        fee_amount = self.fee_amount

        amount = self.amount

        reversed_amount = self.reversed_amount

        release_at: None | str
        if isinstance(self.release_at, datetime.datetime):
            release_at = self.release_at.isoformat()
        else:
            release_at = self.release_at

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        transfer_id: None | str
        transfer_id = self.transfer_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "payout_id": payout_id,
                "created_at": created_at,
                "status": status,
                "vendor_id": vendor_id,
                "order_id": order_id,
                "payment_id": payment_id,
                "currency": currency,
                "gross_amount": gross_amount,
                "fee_amount": fee_amount,
                "amount": amount,
                "reversed_amount": reversed_amount,
                "release_at": release_at,
                "paid_at": paid_at,
                "transfer_id": transfer_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        payout_id = UUID(d.pop("payout_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        status = d.pop("status")

        vendor_id = UUID(d.pop("vendor_id"))

        order_id = UUID(d.pop("order_id"))

        payment_id = UUID(d.pop("payment_id"))

        currency = d.pop("currency")

        gross_amount = d.pop("gross_amount")

        fee_amount = d.pop("fee_amount")

        amount = d.pop("amount")

        reversed_amount = d.pop("reversed_amount")

        def _parse_release_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                release_at_type_0 = datetime.datetime.fromisoformat(data)

                return release_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        release_at = _parse_release_at(d.pop("release_at"))

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        def _parse_transfer_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        transfer_id = _parse_transfer_id(d.pop("transfer_id"))

        payout_row_out = cls(
            payout_id=payout_id,
            created_at=created_at,
            status=status,
            vendor_id=vendor_id,
            order_id=order_id,
            payment_id=payment_id,
            currency=currency,
            gross_amount=gross_amount,
            fee_amount=fee_amount,
            amount=amount,
            reversed_amount=reversed_amount,
            release_at=release_at,
            paid_at=paid_at,
            transfer_id=transfer_id,
        )

        payout_row_out.additional_properties = d
        return payout_row_out

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
