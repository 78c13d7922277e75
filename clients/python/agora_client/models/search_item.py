from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.display_money import DisplayMoney
    from ..models.money import Money
    from ..models.rating import Rating
    from ..models.vendor_ref import VendorRef


T = TypeVar("T", bound="SearchItem")


@_attrs_define
class SearchItem:
    """
    Attributes:
        id (UUID):
        title (str):
        vendor_id (UUID):
        vendor (VendorRef):
        category_id (UUID):
        price (Money):
        price_max (int): The highest variant price, same currency
        image_url (None | str):
        rating (Rating):
        published_at (datetime.datetime):
        display_price (DisplayMoney | None | Unset): The price converted to the `currency` asked for (display only);
            null without one
    """

    id: UUID
    title: str
    vendor_id: UUID
    vendor: VendorRef
    category_id: UUID
    price: Money
    price_max: int
    image_url: None | str
    rating: Rating
    published_at: datetime.datetime
    display_price: DisplayMoney | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415

        id = str(self.id)

        title = self.title

        vendor_id = str(self.vendor_id)

        vendor = self.vendor.to_dict()

        category_id = str(self.category_id)

        price = self.price.to_dict()

        price_max = self.price_max

        image_url: None | str
        image_url = self.image_url

        rating = self.rating.to_dict()

        published_at = self.published_at.isoformat()

        display_price: dict[str, Any] | None | Unset
        if isinstance(self.display_price, Unset):
            display_price = UNSET
        elif isinstance(self.display_price, DisplayMoney):
            display_price = self.display_price.to_dict()
        else:
            display_price = self.display_price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "title": title,
                "vendor_id": vendor_id,
                "vendor": vendor,
                "category_id": category_id,
                "price": price,
                "price_max": price_max,
                "image_url": image_url,
                "rating": rating,
                "published_at": published_at,
            }
        )
        if display_price is not UNSET:
            field_dict["display_price"] = display_price

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415
        from ..models.money import Money  # noqa: PLC0415
        from ..models.rating import Rating  # noqa: PLC0415
        from ..models.vendor_ref import VendorRef  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        title = d.pop("title")

        vendor_id = UUID(d.pop("vendor_id"))

        vendor = VendorRef.from_dict(d.pop("vendor"))

        category_id = UUID(d.pop("category_id"))

        price = Money.from_dict(d.pop("price"))

        price_max = d.pop("price_max")

        def _parse_image_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image_url = _parse_image_url(d.pop("image_url"))

        rating = Rating.from_dict(d.pop("rating"))

        published_at = datetime.datetime.fromisoformat(d.pop("published_at"))

        def _parse_display_price(data: object) -> DisplayMoney | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                display_price_type_0 = DisplayMoney.from_dict(data)

                return display_price_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisplayMoney | None | Unset, data)

        display_price = _parse_display_price(d.pop("display_price", UNSET))

        search_item = cls(
            id=id,
            title=title,
            vendor_id=vendor_id,
            vendor=vendor,
            category_id=category_id,
            price=price,
            price_max=price_max,
            image_url=image_url,
            rating=rating,
            published_at=published_at,
            display_price=display_price,
        )

        search_item.additional_properties = d
        return search_item

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
