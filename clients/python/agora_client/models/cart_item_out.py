from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.cart_item_out_attributes import CartItemOutAttributes
    from ..models.display_money import DisplayMoney
    from ..models.order_money import OrderMoney


T = TypeVar("T", bound="CartItemOut")


@_attrs_define
class CartItemOut:
    """
    Attributes:
        sku (str):
        product_id (None | UUID):
        vendor_id (None | UUID):
        title (None | str):
        quantity (int):
        unit_price (None | OrderMoney): Live price; null when no longer for sale
        line_total (None | OrderMoney):
        available (int):
        for_sale (bool):
        attributes (CartItemOutAttributes | Unset):
        display_unit_price (DisplayMoney | None | Unset): Converted to the `currency` asked for, for display only; null
            without one
        display_line_total (DisplayMoney | None | Unset): Converted to the `currency` asked for, for display only; null
            without one
    """

    sku: str
    product_id: None | UUID
    vendor_id: None | UUID
    title: None | str
    quantity: int
    unit_price: None | OrderMoney
    line_total: None | OrderMoney
    available: int
    for_sale: bool
    attributes: CartItemOutAttributes | Unset = UNSET
    display_unit_price: DisplayMoney | None | Unset = UNSET
    display_line_total: DisplayMoney | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        sku = self.sku

        product_id: None | str
        if isinstance(self.product_id, UUID):
            product_id = str(self.product_id)
        else:
            product_id = self.product_id

        vendor_id: None | str
        if isinstance(self.vendor_id, UUID):
            vendor_id = str(self.vendor_id)
        else:
            vendor_id = self.vendor_id

        title: None | str
        title = self.title

        quantity = self.quantity

        unit_price: dict[str, Any] | None
        if isinstance(self.unit_price, OrderMoney):
            unit_price = self.unit_price.to_dict()
        else:
            unit_price = self.unit_price

        line_total: dict[str, Any] | None
        if isinstance(self.line_total, OrderMoney):
            line_total = self.line_total.to_dict()
        else:
            line_total = self.line_total

        available = self.available

        for_sale = self.for_sale

        attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes.to_dict()

        display_unit_price: dict[str, Any] | None | Unset
        if isinstance(self.display_unit_price, Unset):
            display_unit_price = UNSET
        elif isinstance(self.display_unit_price, DisplayMoney):
            display_unit_price = self.display_unit_price.to_dict()
        else:
            display_unit_price = self.display_unit_price

        display_line_total: dict[str, Any] | None | Unset
        if isinstance(self.display_line_total, Unset):
            display_line_total = UNSET
        elif isinstance(self.display_line_total, DisplayMoney):
            display_line_total = self.display_line_total.to_dict()
        else:
            display_line_total = self.display_line_total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sku": sku,
                "product_id": product_id,
                "vendor_id": vendor_id,
                "title": title,
                "quantity": quantity,
                "unit_price": unit_price,
                "line_total": line_total,
                "available": available,
                "for_sale": for_sale,
            }
        )
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if display_unit_price is not UNSET:
            field_dict["display_unit_price"] = display_unit_price
        if display_line_total is not UNSET:
            field_dict["display_line_total"] = display_line_total

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cart_item_out_attributes import CartItemOutAttributes  # noqa: PLC0415
        from ..models.display_money import DisplayMoney  # noqa: PLC0415
        from ..models.order_money import OrderMoney  # noqa: PLC0415

        d = dict(src_dict)
        sku = d.pop("sku")

        def _parse_product_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                product_id_type_0 = UUID(data)

                return product_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        product_id = _parse_product_id(d.pop("product_id"))

        def _parse_vendor_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                vendor_id_type_0 = UUID(data)

                return vendor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        vendor_id = _parse_vendor_id(d.pop("vendor_id"))

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        quantity = d.pop("quantity")

        def _parse_unit_price(data: object) -> None | OrderMoney:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                unit_price_type_0 = OrderMoney.from_dict(data)

                return unit_price_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderMoney, data)

        unit_price = _parse_unit_price(d.pop("unit_price"))

        def _parse_line_total(data: object) -> None | OrderMoney:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                line_total_type_0 = OrderMoney.from_dict(data)

                return line_total_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderMoney, data)

        line_total = _parse_line_total(d.pop("line_total"))

        available = d.pop("available")

        for_sale = d.pop("for_sale")

        _attributes = d.pop("attributes", UNSET)
        attributes: CartItemOutAttributes | Unset
        if isinstance(_attributes, Unset):
            attributes = UNSET
        else:
            attributes = CartItemOutAttributes.from_dict(_attributes)

        def _parse_display_unit_price(data: object) -> DisplayMoney | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                display_unit_price_type_0 = DisplayMoney.from_dict(data)

                return display_unit_price_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisplayMoney | None | Unset, data)

        display_unit_price = _parse_display_unit_price(
            d.pop("display_unit_price", UNSET)
        )

        def _parse_display_line_total(data: object) -> DisplayMoney | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                display_line_total_type_0 = DisplayMoney.from_dict(data)

                return display_line_total_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisplayMoney | None | Unset, data)

        display_line_total = _parse_display_line_total(
            d.pop("display_line_total", UNSET)
        )

        cart_item_out = cls(
            sku=sku,
            product_id=product_id,
            vendor_id=vendor_id,
            title=title,
            quantity=quantity,
            unit_price=unit_price,
            line_total=line_total,
            available=available,
            for_sale=for_sale,
            attributes=attributes,
            display_unit_price=display_unit_price,
            display_line_total=display_line_total,
        )

        cart_item_out.additional_properties = d
        return cart_item_out

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
