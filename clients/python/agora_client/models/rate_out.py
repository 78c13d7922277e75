from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.band_out import BandOut


T = TypeVar("T", bound="RateOut")


@_attrs_define
class RateOut:
    """
    Attributes:
        kind (str):
        amount (int | None):
        bands (list[BandOut]):
    """

    kind: str
    amount: int | None
    bands: list[BandOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        amount: int | None
        amount = self.amount

        bands = []
        for bands_item_data in self.bands:
            bands_item = bands_item_data.to_dict()
            bands.append(bands_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "amount": amount,
                "bands": bands,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.band_out import BandOut  # noqa: PLC0415

        d = dict(src_dict)
        kind = d.pop("kind")

        def _parse_amount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        amount = _parse_amount(d.pop("amount"))

        bands = []
        _bands = d.pop("bands")
        for bands_item_data in _bands:
            bands_item = BandOut.from_dict(bands_item_data)

            bands.append(bands_item)

        rate_out = cls(
            kind=kind,
            amount=amount,
            bands=bands,
        )

        rate_out.additional_properties = d
        return rate_out

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
