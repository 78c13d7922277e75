from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.vendor_payout_out_status import VendorPayoutOutStatus

if TYPE_CHECKING:
    from ..models.payment_money import PaymentMoney


T = TypeVar("T", bound="VendorPayoutOut")


@_attrs_define
class VendorPayoutOut:
    """
    Attributes:
        id (UUID):
        order_id (UUID):
        vendor_id (UUID):
        status (VendorPayoutOutStatus): `held` until delivery or the end of the hold period, `paid` once transferred,
            `reversed` when refunds took all of it back
        gross (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
        fee (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
        amount (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
        reversed_ (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
        net (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
        release_at (datetime.datetime | None): When a held payout is paid at the latest
        paid_at (datetime.datetime | None):
        created_at (datetime.datetime):
    """

    id: UUID
    order_id: UUID
    vendor_id: UUID
    status: VendorPayoutOutStatus
    gross: PaymentMoney
    fee: PaymentMoney
    amount: PaymentMoney
    reversed_: PaymentMoney
    net: PaymentMoney
    release_at: datetime.datetime | None
    paid_at: datetime.datetime | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        order_id = str(self.order_id)

        vendor_id = str(self.vendor_id)

        status = self.status.value

        gross = self.gross.to_dict()

        fee = self.fee.to_dict()

        amount = self.amount.to_dict()

        reversed_ = self.reversed_.to_dict()

        net = self.net.to_dict()

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

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "order_id": order_id,
                "vendor_id": vendor_id,
                "status": status,
                "gross": gross,
                "fee": fee,
                "amount": amount,
                "reversed": reversed_,
                "net": net,
                "release_at": release_at,
                "paid_at": paid_at,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_money import PaymentMoney  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        order_id = UUID(d.pop("order_id"))

        vendor_id = UUID(d.pop("vendor_id"))

        status = VendorPayoutOutStatus(d.pop("status"))

        gross = PaymentMoney.from_dict(d.pop("gross"))

        fee = PaymentMoney.from_dict(d.pop("fee"))

        amount = PaymentMoney.from_dict(d.pop("amount"))

        reversed_ = PaymentMoney.from_dict(d.pop("reversed"))

        net = PaymentMoney.from_dict(d.pop("net"))

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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        vendor_payout_out = cls(
            id=id,
            order_id=order_id,
            vendor_id=vendor_id,
            status=status,
            gross=gross,
            fee=fee,
            amount=amount,
            reversed_=reversed_,
            net=net,
            release_at=release_at,
            paid_at=paid_at,
            created_at=created_at,
        )

        vendor_payout_out.additional_properties = d
        return vendor_payout_out

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
