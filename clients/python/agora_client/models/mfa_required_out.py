from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MfaRequiredOut")


@_attrs_define
class MfaRequiredOut:
    """
    Attributes:
        mfa_token (str): Send it with a code to /auth/login/mfa
        expires_in (int):
        mfa_required (bool | Unset):  Default: True.
    """

    mfa_token: str
    expires_in: int
    mfa_required: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mfa_token = self.mfa_token

        expires_in = self.expires_in

        mfa_required = self.mfa_required

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mfa_token": mfa_token,
                "expires_in": expires_in,
            }
        )
        if mfa_required is not UNSET:
            field_dict["mfa_required"] = mfa_required

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mfa_token = d.pop("mfa_token")

        expires_in = d.pop("expires_in")

        mfa_required = d.pop("mfa_required", UNSET)

        mfa_required_out = cls(
            mfa_token=mfa_token,
            expires_in=expires_in,
            mfa_required=mfa_required,
        )

        mfa_required_out.additional_properties = d
        return mfa_required_out

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
