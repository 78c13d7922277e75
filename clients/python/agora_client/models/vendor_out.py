from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VendorOut")


@_attrs_define
class VendorOut:
    """
    Attributes:
        id (UUID):
        name (str):
        slug (str):
        description (str):
        status (str):
        owner_id (None | UUID): Shown to the owner and admins only
        low_stock_threshold (int | None): Shown to the owner and admins only
        kyc_status (None | str): Payouts KYC (owner and admins; ADR 0104)
        created_at (datetime.datetime):
        approved_at (datetime.datetime | None):
    """

    id: UUID
    name: str
    slug: str
    description: str
    status: str
    owner_id: None | UUID
    low_stock_threshold: int | None
    kyc_status: None | str
    created_at: datetime.datetime
    approved_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        slug = self.slug

        description = self.description

        status = self.status

        owner_id: None | str
        if isinstance(self.owner_id, UUID):
            owner_id = str(self.owner_id)
        else:
            owner_id = self.owner_id

        low_stock_threshold: int | None
        low_stock_threshold = self.low_stock_threshold

        kyc_status: None | str
        kyc_status = self.kyc_status

        created_at = self.created_at.isoformat()

        approved_at: None | str
        if isinstance(self.approved_at, datetime.datetime):
            approved_at = self.approved_at.isoformat()
        else:
            approved_at = self.approved_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "slug": slug,
                "description": description,
                "status": status,
                "owner_id": owner_id,
                "low_stock_threshold": low_stock_threshold,
                "kyc_status": kyc_status,
                "created_at": created_at,
                "approved_at": approved_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        slug = d.pop("slug")

        description = d.pop("description")

        status = d.pop("status")

        def _parse_owner_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                owner_id_type_0 = UUID(data)

                return owner_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        owner_id = _parse_owner_id(d.pop("owner_id"))

        def _parse_low_stock_threshold(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        low_stock_threshold = _parse_low_stock_threshold(d.pop("low_stock_threshold"))

        def _parse_kyc_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        kyc_status = _parse_kyc_status(d.pop("kyc_status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_approved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                approved_at_type_0 = datetime.datetime.fromisoformat(data)

                return approved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        approved_at = _parse_approved_at(d.pop("approved_at"))

        vendor_out = cls(
            id=id,
            name=name,
            slug=slug,
            description=description,
            status=status,
            owner_id=owner_id,
            low_stock_threshold=low_stock_threshold,
            kyc_status=kyc_status,
            created_at=created_at,
            approved_at=approved_at,
        )

        vendor_out.additional_properties = d
        return vendor_out

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
