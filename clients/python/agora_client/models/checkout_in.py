from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.address_in import AddressIn


T = TypeVar("T", bound="CheckoutIn")


@_attrs_define
class CheckoutIn:
    """
    Attributes:
        shipping_address (AddressIn):
        coupon_code (None | str | Unset):
        payment_method (None | str | Unset):
    """

    shipping_address: AddressIn
    coupon_code: None | str | Unset = UNSET
    payment_method: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        shipping_address = self.shipping_address.to_dict()

        coupon_code: None | str | Unset
        if isinstance(self.coupon_code, Unset):
            coupon_code = UNSET
        else:
            coupon_code = self.coupon_code

        payment_method: None | str | Unset
        if isinstance(self.payment_method, Unset):
            payment_method = UNSET
        else:
            payment_method = self.payment_method

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "shipping_address": shipping_address,
            }
        )
        if coupon_code is not UNSET:
            field_dict["coupon_code"] = coupon_code
        if payment_method is not UNSET:
            field_dict["payment_method"] = payment_method

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address_in import AddressIn  # noqa: PLC0415

        d = dict(src_dict)
        shipping_address = AddressIn.from_dict(d.pop("shipping_address"))

        def _parse_coupon_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        coupon_code = _parse_coupon_code(d.pop("coupon_code", UNSET))

        def _parse_payment_method(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_method = _parse_payment_method(d.pop("payment_method", UNSET))

        checkout_in = cls(
            shipping_address=shipping_address,
            coupon_code=coupon_code,
            payment_method=payment_method,
        )

        return checkout_in
