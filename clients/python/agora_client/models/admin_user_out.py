from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AdminUserOut")


@_attrs_define
class AdminUserOut:
    """
    Attributes:
        id (UUID):
        email (None | str): null once the account is erased
        full_name (None | str):
        roles (list[str]):
        is_active (bool):
        email_verified (bool):
        mfa_enabled (bool):
        created_at (datetime.datetime):
        deleted_at (datetime.datetime | None | Unset):
    """

    id: UUID
    email: None | str
    full_name: None | str
    roles: list[str]
    is_active: bool
    email_verified: bool
    mfa_enabled: bool
    created_at: datetime.datetime
    deleted_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        email: None | str
        email = self.email

        full_name: None | str
        full_name = self.full_name

        roles = self.roles

        is_active = self.is_active

        email_verified = self.email_verified

        mfa_enabled = self.mfa_enabled

        created_at = self.created_at.isoformat()

        deleted_at: None | str | Unset
        if isinstance(self.deleted_at, Unset):
            deleted_at = UNSET
        elif isinstance(self.deleted_at, datetime.datetime):
            deleted_at = self.deleted_at.isoformat()
        else:
            deleted_at = self.deleted_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "full_name": full_name,
                "roles": roles,
                "is_active": is_active,
                "email_verified": email_verified,
                "mfa_enabled": mfa_enabled,
                "created_at": created_at,
            }
        )
        if deleted_at is not UNSET:
            field_dict["deleted_at"] = deleted_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        def _parse_full_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        full_name = _parse_full_name(d.pop("full_name"))

        roles = cast(list[str], d.pop("roles"))

        is_active = d.pop("is_active")

        email_verified = d.pop("email_verified")

        mfa_enabled = d.pop("mfa_enabled")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_deleted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deleted_at_type_0 = datetime.datetime.fromisoformat(data)

                return deleted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deleted_at = _parse_deleted_at(d.pop("deleted_at", UNSET))

        admin_user_out = cls(
            id=id,
            email=email,
            full_name=full_name,
            roles=roles,
            is_active=is_active,
            email_verified=email_verified,
            mfa_enabled=mfa_enabled,
            created_at=created_at,
            deleted_at=deleted_at,
        )

        admin_user_out.additional_properties = d
        return admin_user_out

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
