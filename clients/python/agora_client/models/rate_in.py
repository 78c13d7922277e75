from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.rate_in_kind import RateInKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.band_in import BandIn


T = TypeVar("T", bound="RateIn")


@_attrs_define
class RateIn:
    """
    Attributes:
        kind (RateInKind):
        amount (int | None | Unset): The flat rate's amount
        bands (list[BandIn] | Unset):
    """

    kind: RateInKind
    amount: int | None | Unset = UNSET
    bands: list[BandIn] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        amount: int | None | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        bands: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.bands, Unset):
            bands = []
            for bands_item_data in self.bands:
                bands_item = bands_item_data.to_dict()
                bands.append(bands_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if bands is not UNSET:
            field_dict["bands"] = bands

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.band_in import BandIn  # noqa: PLC0415

        d = dict(src_dict)
        kind = RateInKind(d.pop("kind"))

        def _parse_amount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        _bands = d.pop("bands", UNSET)
        bands: list[BandIn] | Unset = UNSET
        if _bands is not UNSET:
            bands = []
            for bands_item_data in _bands:
                bands_item = BandIn.from_dict(bands_item_data)

                bands.append(bands_item)

        rate_in = cls(
            kind=kind,
            amount=amount,
            bands=bands,
        )

        return rate_in
