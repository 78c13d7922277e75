from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CurrencyRate")


@_attrs_define
class CurrencyRate:
    """
    Attributes:
        code (str): ISO 4217
        exponent (int): Digits of its minor unit: 2 for USD, 0 for JPY
        rate (str): Units of this currency one unit of the base buys
    """

    code: str
    exponent: int
    rate: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        exponent = self.exponent

        rate = self.rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "exponent": exponent,
                "rate": rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        exponent = d.pop("exponent")

        rate = d.pop("rate")

        currency_rate = cls(
            code=code,
            exponent=exponent,
            rate=rate,
        )

        currency_rate.additional_properties = d
        return currency_rate

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
