from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CouponOut")


@_attrs_define
class CouponOut:
    """
    Attributes:
        code (str):
        kind (str):
        value (int):
        currency (None | str):
        min_subtotal (int):
        expires_at (datetime.datetime | None):
        max_uses (int | None):
        max_uses_per_user (int | None):
        used (int):
        funded_by (str):
        created_at (datetime.datetime):
    """

    code: str
    kind: str
    value: int
    currency: None | str
    min_subtotal: int
    expires_at: datetime.datetime | None
    max_uses: int | None
    max_uses_per_user: int | None
    used: int
    funded_by: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        kind = self.kind

        value = self.value

        currency: None | str
        currency = self.currency

        min_subtotal = self.min_subtotal

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        max_uses: int | None
        max_uses = self.max_uses

        max_uses_per_user: int | None
        max_uses_per_user = self.max_uses_per_user

        used = self.used

        funded_by = self.funded_by

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "kind": kind,
                "value": value,
                "currency": currency,
                "min_subtotal": min_subtotal,
                "expires_at": expires_at,
                "max_uses": max_uses,
                "max_uses_per_user": max_uses_per_user,
                "used": used,
                "funded_by": funded_by,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        kind = d.pop("kind")

        value = d.pop("value")

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        min_subtotal = d.pop("min_subtotal")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        def _parse_max_uses(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_uses = _parse_max_uses(d.pop("max_uses"))

        def _parse_max_uses_per_user(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_uses_per_user = _parse_max_uses_per_user(d.pop("max_uses_per_user"))

        used = d.pop("used")

        funded_by = d.pop("funded_by")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        coupon_out = cls(
            code=code,
            kind=kind,
            value=value,
            currency=currency,
            min_subtotal=min_subtotal,
            expires_at=expires_at,
            max_uses=max_uses,
            max_uses_per_user=max_uses_per_user,
            used=used,
            funded_by=funded_by,
            created_at=created_at,
        )

        coupon_out.additional_properties = d
        return coupon_out

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
