from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.return_line_in import ReturnLineIn


T = TypeVar("T", bound="ReturnIn")


@_attrs_define
class ReturnIn:
    """
    Attributes:
        lines (list[ReturnLineIn]):
        reason (str):
    """

    lines: list[ReturnLineIn]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lines": lines,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.return_line_in import ReturnLineIn  # noqa: PLC0415

        d = dict(src_dict)
        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = ReturnLineIn.from_dict(lines_item_data)

            lines.append(lines_item)

        reason = d.pop("reason")

        return_in = cls(
            lines=lines,
            reason=reason,
        )

        return return_in
