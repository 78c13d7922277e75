from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="BandIn")


@_attrs_define
class BandIn:
    """
    Attributes:
        up_to (int | None): Upper limit, inclusive: grams (weight) or minor units (subtotal); null on the last band for
            no limit
        amount (int):
    """

    up_to: int | None
    amount: int

    def to_dict(self) -> dict[str, Any]:
        up_to: int | None
        up_to = self.up_to

        amount = self.amount

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "up_to": up_to,
                "amount": amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_up_to(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        up_to = _parse_up_to(d.pop("up_to"))

        amount = d.pop("amount")

        band_in = cls(
            up_to=up_to,
            amount=amount,
        )

        return band_in
