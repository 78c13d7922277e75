from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ApproveIn")


@_attrs_define
class ApproveIn:
    """
    Attributes:
        restock (bool): Put the units back on sale once received
    """

    restock: bool

    def to_dict(self) -> dict[str, Any]:
        restock = self.restock

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "restock": restock,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        restock = d.pop("restock")

        approve_in = cls(
            restock=restock,
        )

        return approve_in
