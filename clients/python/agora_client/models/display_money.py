from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DisplayMoney")


@_attrs_define
class DisplayMoney:
    """An amount converted for display, beside the real price it was converted from.

    Attributes:
        amount (int): Minor units of the currency asked for
        currency (str): ISO 4217, the currency asked for
        rate (str): Units of this currency per unit of the price's currency (10 significant digits; the amount is
            converted with the table's own rates)
        rates_date (datetime.date): The date of the exchange rates used
    """

    amount: int
    currency: str
    rate: str
    rates_date: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency = self.currency

        rate = self.rate

        rates_date = self.rates_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "currency": currency,
                "rate": rate,
                "rates_date": rates_date,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        currency = d.pop("currency")

        rate = d.pop("rate")

        rates_date = datetime.date.fromisoformat(d.pop("rates_date"))

        display_money = cls(
            amount=amount,
            currency=currency,
            rate=rate,
            rates_date=rates_date,
        )

        display_money.additional_properties = d
        return display_money

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
