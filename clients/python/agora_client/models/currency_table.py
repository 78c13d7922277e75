from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.currency_rate import CurrencyRate


T = TypeVar("T", bound="CurrencyTable")


@_attrs_define
class CurrencyTable:
    """
    Attributes:
        base (str): The currency the rates are quoted against
        date (datetime.date): The day the rates are of
        currencies (list[CurrencyRate]):
    """

    base: str
    date: datetime.date
    currencies: list[CurrencyRate]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        base = self.base

        date = self.date.isoformat()

        currencies = []
        for currencies_item_data in self.currencies:
            currencies_item = currencies_item_data.to_dict()
            currencies.append(currencies_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "base": base,
                "date": date,
                "currencies": currencies,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.currency_rate import CurrencyRate  # noqa: PLC0415

        d = dict(src_dict)
        base = d.pop("base")

        date = datetime.date.fromisoformat(d.pop("date"))

        currencies = []
        _currencies = d.pop("currencies")
        for currencies_item_data in _currencies:
            currencies_item = CurrencyRate.from_dict(currencies_item_data)

            currencies.append(currencies_item)

        currency_table = cls(
            base=base,
            date=date,
            currencies=currencies,
        )

        currency_table.additional_properties = d
        return currency_table

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
