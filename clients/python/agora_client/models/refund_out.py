from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payment_money import PaymentMoney


T = TypeVar("T", bound="RefundOut")


@_attrs_define
class RefundOut:
    """
    Attributes:
        id (UUID):
        payment_id (UUID):
        amount (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
        total_refunded (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
        status (str | Unset):  Default: 'succeeded'.
    """

    id: UUID
    payment_id: UUID
    amount: PaymentMoney
    total_refunded: PaymentMoney
    status: str | Unset = "succeeded"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        payment_id = str(self.payment_id)

        amount = self.amount.to_dict()

        total_refunded = self.total_refunded.to_dict()

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "payment_id": payment_id,
                "amount": amount,
                "total_refunded": total_refunded,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_money import PaymentMoney  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        payment_id = UUID(d.pop("payment_id"))

        amount = PaymentMoney.from_dict(d.pop("amount"))

        total_refunded = PaymentMoney.from_dict(d.pop("total_refunded"))

        status = d.pop("status", UNSET)

        refund_out = cls(
            id=id,
            payment_id=payment_id,
            amount=amount,
            total_refunded=total_refunded,
            status=status,
        )

        refund_out.additional_properties = d
        return refund_out

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
