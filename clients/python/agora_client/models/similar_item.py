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


T = TypeVar("T", bound="SimilarItem")


@_attrs_define
class SimilarItem:
    """
    Attributes:
        id (UUID):
        vendor_id (UUID):
        category_id (UUID):
        title (str):
        status (str):
        price_from (Money | None):
        image_url (None | str):
        rating (Rating):
        created_at (datetime.datetime):
        published_at (datetime.datetime | None):
        similarity (float): Cosine similarity of the two products' text embeddings, -1 to 1
        display_price_from (DisplayMoney | None | Unset): The price converted to the `currency` asked for (display
            only); null without one
    """

    id: UUID
    vendor_id: UUID
    category_id: UUID
    title: str
    status: str
    price_from: Money | None
    image_url: None | str
    rating: Rating
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    similarity: float
    display_price_from: DisplayMoney | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415
        from ..models.money import Money  # noqa: PLC0415

        id = str(self.id)

        vendor_id = str(self.vendor_id)

        category_id = str(self.category_id)

        title = self.title

        status = self.status

        price_from: dict[str, Any] | None
        if isinstance(self.price_from, Money):
            price_from = self.price_from.to_dict()
        else:
            price_from = self.price_from

        image_url: None | str
        image_url = self.image_url

        rating = self.rating.to_dict()

        created_at = self.created_at.isoformat()

        published_at: None | str
        if isinstance(self.published_at, datetime.datetime):
            published_at = self.published_at.isoformat()
        else:
            published_at = self.published_at

        similarity = self.similarity

        display_price_from: dict[str, Any] | None | Unset
        if isinstance(self.display_price_from, Unset):
            display_price_from = UNSET
        elif isinstance(self.display_price_from, DisplayMoney):
            display_price_from = self.display_price_from.to_dict()
        else:
            display_price_from = self.display_price_from

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "vendor_id": vendor_id,
                "category_id": category_id,
                "title": title,
                "status": status,
                "price_from": price_from,
                "image_url": image_url,
                "rating": rating,
                "created_at": created_at,
                "published_at": published_at,
                "similarity": similarity,
            }
        )
        if display_price_from is not UNSET:
            field_dict["display_price_from"] = display_price_from

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.display_money import DisplayMoney  # noqa: PLC0415
        from ..models.money import Money  # noqa: PLC0415
        from ..models.rating import Rating  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        vendor_id = UUID(d.pop("vendor_id"))

        category_id = UUID(d.pop("category_id"))

        title = d.pop("title")

        status = d.pop("status")

        def _parse_price_from(data: object) -> Money | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                price_from_type_0 = Money.from_dict(data)

                return price_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Money | None, data)

        price_from = _parse_price_from(d.pop("price_from"))

        def _parse_image_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image_url = _parse_image_url(d.pop("image_url"))

        rating = Rating.from_dict(d.pop("rating"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_published_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_at_type_0 = datetime.datetime.fromisoformat(data)

                return published_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        published_at = _parse_published_at(d.pop("published_at"))

        similarity = d.pop("similarity")

        def _parse_display_price_from(data: object) -> DisplayMoney | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                display_price_from_type_0 = DisplayMoney.from_dict(data)

                return display_price_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisplayMoney | None | Unset, data)

        display_price_from = _parse_display_price_from(
            d.pop("display_price_from", UNSET)
        )

        similar_item = cls(
            id=id,
            vendor_id=vendor_id,
            category_id=category_id,
            title=title,
            status=status,
            price_from=price_from,
            image_url=image_url,
            rating=rating,
            created_at=created_at,
            published_at=published_at,
            similarity=similarity,
            display_price_from=display_price_from,
        )

        similar_item.additional_properties = d
        return similar_item

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
