from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserOut")


@_attrs_define
class UserOut:
    """
    Attributes:
        id (UUID):
        email (str):
        full_name (str):
        roles (list[str]):
        email_verified (bool):
        created_at (datetime.datetime):
        locale (None | str | Unset):
        mfa_enabled (bool | Unset):  Default: False.
        phone (None | str | Unset): E.164; SMS go to it once verified
        phone_verified (bool | Unset):  Default: False.
    """

    id: UUID
    email: str
    full_name: str
    roles: list[str]
    email_verified: bool
    created_at: datetime.datetime
    locale: None | str | Unset = UNSET
    mfa_enabled: bool | Unset = False
    phone: None | str | Unset = UNSET
    phone_verified: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        email = self.email

        full_name = self.full_name

        roles = self.roles

        email_verified = self.email_verified

        created_at = self.created_at.isoformat()

        locale: None | str | Unset
        if isinstance(self.locale, Unset):
            locale = UNSET
        else:
            locale = self.locale

        mfa_enabled = self.mfa_enabled

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        phone_verified = self.phone_verified

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "full_name": full_name,
                "roles": roles,
                "email_verified": email_verified,
                "created_at": created_at,
            }
        )
        if locale is not UNSET:
            field_dict["locale"] = locale
        if mfa_enabled is not UNSET:
            field_dict["mfa_enabled"] = mfa_enabled
        if phone is not UNSET:
            field_dict["phone"] = phone
        if phone_verified is not UNSET:
            field_dict["phone_verified"] = phone_verified

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        email = d.pop("email")

        full_name = d.pop("full_name")

        roles = cast(list[str], d.pop("roles"))

        email_verified = d.pop("email_verified")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_locale(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        locale = _parse_locale(d.pop("locale", UNSET))

        mfa_enabled = d.pop("mfa_enabled", UNSET)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        phone_verified = d.pop("phone_verified", UNSET)

        user_out = cls(
            id=id,
            email=email,
            full_name=full_name,
            roles=roles,
            email_verified=email_verified,
            created_at=created_at,
            locale=locale,
            mfa_enabled=mfa_enabled,
            phone=phone,
            phone_verified=phone_verified,
        )

        user_out.additional_properties = d
        return user_out

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
