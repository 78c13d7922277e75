from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AnalyticsPointOut")


@_attrs_define
class AnalyticsPointOut:
    """
    Attributes:
        value (int): In the metric's unit: minor units, a count, or basis points (1/100 %)
        numerator (int): What the value is of: GMV, orders, refunds, buyers
        denominator (int): For ratios (aov, conversion, refund_rate); else 0
    """

    value: int
    numerator: int
    denominator: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        value = self.value

        numerator = self.numerator

        denominator = self.denominator

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        value = d.pop("value")

        numerator = d.pop("numerator")

        denominator = d.pop("denominator")

        analytics_point_out = cls(
            value=value,
            numerator=numerator,
            denominator=denominator,
        )

        analytics_point_out.additional_properties = d
        return analytics_point_out

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
