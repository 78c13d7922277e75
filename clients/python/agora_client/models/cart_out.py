from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cart_item_out import CartItemOut
    from ..models.cart_vendor_out import CartVendorOut
    from ..models.display_money import DisplayMoney
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="CartOut")


@_attrs_define
class CartOut:
    """
    Attributes:
        items (list[CartItemOut]):
        currency (None | str):
        subtotal (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        discount (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        shipping (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        tax (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        total (OrderMoney): An amount in minor units (cents) of an ISO 4217 currency.
        country (None | str): The destination priced; null: none given
        region (None | str):
        tax_included (bool): VAT-style: prices include the tax shown
        tax_rate_bps (int): The destination's tax rate, basis points
        vendors (list[CartVendorOut]): Each store's part: subtotal, shipping and tax, and whether it ships here
        display_subtotal (DisplayMoney | None | Unset): Converted to the `currency` asked for, for display only; null
            without one
        display_total (DisplayMoney | None | Unset): Converted to the `currency` asked for, for display only; null
            without one; checkout charges `total`, in the cart's currency
    """

    items: list[CartItemOut]
    currency: None | str
    subtotal: OrderMoney
    discount: OrderMoney
    shipping: OrderMoney
    tax: OrderMoney
    total: OrderMoney
    country: None | str
    region: None | str
    tax_included: bool
    tax_rate_bps: int
    vendors: list[CartVendorOut]
    display_subtotal: DisplayMoney | None | Unset = UNSET
    display_total: DisplayMoney | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        currency: None | str
        currency = self.currency

        subtotal = self.subtotal.to_dict()

        discount = self.discount.to_dict()

        shipping = self.shipping.to_dict()

        tax = self.tax.to_dict()

        total = self.total.to_dict()

        country: None | str
        country = self.country

        region: None | str
        region = self.region

        tax_included = self.tax_included

        tax_rate_bps = self.tax_rate_bps

        vendors = []
        for vendors_item_data in self.vendors:
            vendors_item = vendors_item_data.to_dict()
            vendors.append(vendors_item)

        display_subtotal: dict[str, Any] | None | Unset
        if isinstance(self.display_subtotal, Unset):
            display_subtotal = UNSET
        elif isinstance(self.display_subtotal, DisplayMoney):
            display_subtotal = self.display_subtotal.to_dict()
        else:
            display_subtotal = self.display_subtotal

        display_total: dict[str, Any] | None | Unset
        if isinstance(self.display_total, Unset):
            display_total = UNSET
        elif isinstance(self.display_total, DisplayMoney):
            display_total = self.display_total.to_dict()
        else:
            display_total = self.display_total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "currency": currency,
                "subtotal": subtotal,
                "discount": discount,
                "shipping": shipping,
                "tax": tax,
                "total": total,
                "country": country,
                "region": region,
                "tax_included": tax_included,
                "tax_rate_bps": tax_rate_bps,
                "vendors": vendors,
            }
        )
        if display_subtotal is not UNSET:
            field_dict["display_subtotal"] = display_subtotal
        if display_total is not UNSET:
            field_dict["display_total"] = display_total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cart_item_out import CartItemOut  # noqa: PLC0415
        from ..models.cart_vendor_out import CartVendorOut  # noqa: PLC0415
        from ..models.display_money import DisplayMoney  # noqa: PLC0415
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = CartItemOut.from_dict(items_item_data)

            items.append(items_item)

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        subtotal = OrderMoney.from_dict(d.pop("subtotal"))

        discount = OrderMoney.from_dict(d.pop("discount"))

        shipping = OrderMoney.from_dict(d.pop("shipping"))

        tax = OrderMoney.from_dict(d.pop("tax"))

        total = OrderMoney.from_dict(d.pop("total"))

        def _parse_country(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        country = _parse_country(d.pop("country"))

        def _parse_region(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        region = _parse_region(d.pop("region"))

        tax_included = d.pop("tax_included")

        tax_rate_bps = d.pop("tax_rate_bps")

        vendors = []
        _vendors = d.pop("vendors")
        for vendors_item_data in _vendors:
            vendors_item = CartVendorOut.from_dict(vendors_item_data)

            vendors.append(vendors_item)

        def _parse_display_subtotal(data: object) -> DisplayMoney | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                display_subtotal_type_0 = DisplayMoney.from_dict(data)

                return display_subtotal_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisplayMoney | None | Unset, data)

        display_subtotal = _parse_display_subtotal(d.pop("display_subtotal", UNSET))

        def _parse_display_total(data: object) -> DisplayMoney | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                display_total_type_0 = DisplayMoney.from_dict(data)

                return display_total_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisplayMoney | None | Unset, data)

        display_total = _parse_display_total(d.pop("display_total", UNSET))

        cart_out = cls(
            items=items,
            currency=currency,
            subtotal=subtotal,
            discount=discount,
            shipping=shipping,
            tax=tax,
            total=total,
            country=country,
            region=region,
            tax_included=tax_included,
            tax_rate_bps=tax_rate_bps,
            vendors=vendors,
            display_subtotal=display_subtotal,
            display_total=display_total,
        )

        cart_out.additional_properties = d
        return cart_out

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
