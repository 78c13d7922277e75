from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_in import RateIn


T = TypeVar("T", bound="ShippingZoneIn")


@_attrs_define
class ShippingZoneIn:
    """
    Attributes:
        name (str):
        currency (str): ISO 4217; the zone prices carts in it
        countries (list[str]):
        rate (RateIn):
        vendor_id (None | Unset | UUID): The store, when the caller owns more than one
        free_over (int | None | Unset): Free shipping from this subtotal after discounts
    """

    name: str
    currency: str
    countries: list[str]
    rate: RateIn
    vendor_id: None | Unset | UUID = UNSET
    free_over: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        currency = self.currency

        countries = self.countries

        rate = self.rate.to_dict()

        vendor_id: None | str | Unset
        if isinstance(self.vendor_id, Unset):
            vendor_id = UNSET
        elif isinstance(self.vendor_id, UUID):
            vendor_id = str(self.vendor_id)
        else:
            vendor_id = self.vendor_id

        free_over: int | None | Unset
        if isinstance(self.free_over, Unset):
            free_over = UNSET
        else:
            free_over = self.free_over

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "currency": currency,
                "countries": countries,
                "rate": rate,
            }
        )
        if vendor_id is not UNSET:
            field_dict["vendor_id"] = vendor_id
        if free_over is not UNSET:
            field_dict["free_over"] = free_over

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_in import RateIn  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        currency = d.pop("currency")

        countries = cast(list[str], d.pop("countries"))

        rate = RateIn.from_dict(d.pop("rate"))

        def _parse_vendor_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                vendor_id_type_0 = UUID(data)

                return vendor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        vendor_id = _parse_vendor_id(d.pop("vendor_id", UNSET))

        def _parse_free_over(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        free_over = _parse_free_over(d.pop("free_over", UNSET))

        shipping_zone_in = cls(
            name=name,
            currency=currency,
            countries=countries,
            rate=rate,
            vendor_id=vendor_id,
            free_over=free_over,
        )

        return shipping_zone_in
