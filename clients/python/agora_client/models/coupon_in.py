from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.coupon_in_funded_by import CouponInFundedBy
from ..models.coupon_in_kind import CouponInKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="CouponIn")


@_attrs_define
class CouponIn:
    """
    Attributes:
        code (str):
        kind (CouponInKind):
        value (int): Whole percent (1-100), or minor units when fixed
        currency (None | str | Unset): ISO 4217; required for a fixed coupon, which applies only in it
        min_subtotal (int | Unset): Minor units Default: 0.
        expires_at (datetime.datetime | None | Unset):
        max_uses (int | None | Unset):
        max_uses_per_user (int | None | Unset):
        funded_by (CouponInFundedBy | Unset): Who gives the discount up: the vendors (default) or the platform Default:
            CouponInFundedBy.VENDOR.
    """

    code: str
    kind: CouponInKind
    value: int
    currency: None | str | Unset = UNSET
    min_subtotal: int | Unset = 0
    expires_at: datetime.datetime | None | Unset = UNSET
    max_uses: int | None | Unset = UNSET
    max_uses_per_user: int | None | Unset = UNSET
    funded_by: CouponInFundedBy | Unset = CouponInFundedBy.VENDOR

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        kind = self.kind.value

        value = self.value

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        min_subtotal = self.min_subtotal

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        max_uses: int | None | Unset
        if isinstance(self.max_uses, Unset):
            max_uses = UNSET
        else:
            max_uses = self.max_uses

        max_uses_per_user: int | None | Unset
        if isinstance(self.max_uses_per_user, Unset):
            max_uses_per_user = UNSET
        else:
            max_uses_per_user = self.max_uses_per_user

        funded_by: str | Unset = UNSET
        if not isinstance(self.funded_by, Unset):
            funded_by = self.funded_by.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "kind": kind,
                "value": value,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency
        if min_subtotal is not UNSET:
            field_dict["min_subtotal"] = min_subtotal
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if max_uses is not UNSET:
            field_dict["max_uses"] = max_uses
        if max_uses_per_user is not UNSET:
            field_dict["max_uses_per_user"] = max_uses_per_user
        if funded_by is not UNSET:
            field_dict["funded_by"] = funded_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        kind = CouponInKind(d.pop("kind"))

        value = d.pop("value")

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        min_subtotal = d.pop("min_subtotal", UNSET)

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_max_uses(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_uses = _parse_max_uses(d.pop("max_uses", UNSET))

        def _parse_max_uses_per_user(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_uses_per_user = _parse_max_uses_per_user(d.pop("max_uses_per_user", UNSET))

        _funded_by = d.pop("funded_by", UNSET)
        funded_by: CouponInFundedBy | Unset
        if isinstance(_funded_by, Unset):
            funded_by = UNSET
        else:
            funded_by = CouponInFundedBy(_funded_by)

        coupon_in = cls(
            code=code,
            kind=kind,
            value=value,
            currency=currency,
            min_subtotal=min_subtotal,
            expires_at=expires_at,
            max_uses=max_uses,
            max_uses_per_user=max_uses_per_user,
            funded_by=funded_by,
        )

        return coupon_in
