from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LedgerRowOut")


@_attrs_define
class LedgerRowOut:
    """
    Attributes:
        entry_id (int):
        created_at (datetime.datetime):
        transaction_id (UUID):
        account (str):
        currency (str):
        amount (int):
        memo (str):
        payment_id (UUID):
        order_id (UUID):
    """

    entry_id: int
    created_at: datetime.datetime
    transaction_id: UUID
    account: str
    currency: str
    amount: int
    memo: str
    payment_id: UUID
    order_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry_id = self.entry_id

        created_at = self.created_at.isoformat()

        transaction_id = str(self.transaction_id)

        account = self.account

        currency = self.currency

        amount = self.amount

        memo = self.memo

        payment_id = str(self.payment_id)

        order_id = str(self.order_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry_id": entry_id,
                "created_at": created_at,
                "transaction_id": transaction_id,
                "account": account,
                "currency": currency,
                "amount": amount,
                "memo": memo,
                "payment_id": payment_id,
                "order_id": order_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entry_id = d.pop("entry_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        transaction_id = UUID(d.pop("transaction_id"))

        account = d.pop("account")

        currency = d.pop("currency")

        amount = d.pop("amount")

        memo = d.pop("memo")

        payment_id = UUID(d.pop("payment_id"))

        order_id = UUID(d.pop("order_id"))

        ledger_row_out = cls(
            entry_id=entry_id,
            created_at=created_at,
            transaction_id=transaction_id,
            account=account,
            currency=currency,
            amount=amount,
            memo=memo,
            payment_id=payment_id,
            order_id=order_id,
        )

        ledger_row_out.additional_properties = d
        return ledger_row_out

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
