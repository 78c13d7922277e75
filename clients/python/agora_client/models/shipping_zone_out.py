from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rate_out import RateOut


T = TypeVar("T", bound="ShippingZoneOut")


@_attrs_define
class ShippingZoneOut:
    """
    Attributes:
        id (UUID):
        vendor_id (UUID):
        name (str):
        currency (str):
        countries (list[str]):
        rate (RateOut):
        free_over (int | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    vendor_id: UUID
    name: str
    currency: str
    countries: list[str]
    rate: RateOut
    free_over: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        vendor_id = str(self.vendor_id)

        name = self.name

        currency = self.currency

        countries = self.countries

        rate = self.rate.to_dict()

        free_over: int | None
        free_over = self.free_over

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "vendor_id": vendor_id,
                "name": name,
                "currency": currency,
                "countries": countries,
                "rate": rate,
                "free_over": free_over,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_out import RateOut  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        vendor_id = UUID(d.pop("vendor_id"))

        name = d.pop("name")

        currency = d.pop("currency")

        countries = cast(list[str], d.pop("countries"))

        rate = RateOut.from_dict(d.pop("rate"))

        def _parse_free_over(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        free_over = _parse_free_over(d.pop("free_over"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        shipping_zone_out = cls(
            id=id,
            vendor_id=vendor_id,
            name=name,
            currency=currency,
            countries=countries,
            rate=rate,
            free_over=free_over,
            created_at=created_at,
            updated_at=updated_at,
        )

        shipping_zone_out.additional_properties = d
        return shipping_zone_out

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
