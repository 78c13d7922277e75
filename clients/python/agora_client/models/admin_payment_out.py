from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.payment_money import PaymentMoney


T = TypeVar("T", bound="AdminPaymentOut")


@_attrs_define
class AdminPaymentOut:
    """A payment as an admin sees it: whose and of which order, never its client
    secret; what is left to refund is ``amount`` less ``refunded``.

        Attributes:
            id (UUID):
            order_id (UUID):
            order_number (None | str):
            buyer_id (UUID):
            status (str):
            amount (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
            refunded (PaymentMoney): An amount in minor units (cents) of an ISO 4217 currency.
            provider (str):
            failure_code (None | str):
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
    """

    id: UUID
    order_id: UUID
    order_number: None | str
    buyer_id: UUID
    status: str
    amount: PaymentMoney
    refunded: PaymentMoney
    provider: str
    failure_code: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        order_id = str(self.order_id)

        order_number: None | str
        order_number = self.order_number

        buyer_id = str(self.buyer_id)

        status = self.status

        amount = self.amount.to_dict()

        refunded = self.refunded.to_dict()

        provider = self.provider

        failure_code: None | str
        failure_code = self.failure_code

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "order_id": order_id,
                "order_number": order_number,
                "buyer_id": buyer_id,
                "status": status,
                "amount": amount,
                "refunded": refunded,
                "provider": provider,
                "failure_code": failure_code,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payment_money import PaymentMoney  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        order_id = UUID(d.pop("order_id"))

        def _parse_order_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_number = _parse_order_number(d.pop("order_number"))

        buyer_id = UUID(d.pop("buyer_id"))

        status = d.pop("status")

        amount = PaymentMoney.from_dict(d.pop("amount"))

        refunded = PaymentMoney.from_dict(d.pop("refunded"))

        provider = d.pop("provider")

        def _parse_failure_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_code = _parse_failure_code(d.pop("failure_code"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        admin_payment_out = cls(
            id=id,
            order_id=order_id,
            order_number=order_number,
            buyer_id=buyer_id,
            status=status,
            amount=amount,
            refunded=refunded,
            provider=provider,
            failure_code=failure_code,
            created_at=created_at,
            updated_at=updated_at,
        )

        admin_payment_out.additional_properties = d
        return admin_payment_out

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
