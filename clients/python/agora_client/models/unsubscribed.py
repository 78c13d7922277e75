from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.unsubscribed_category import UnsubscribedCategory
from ..models.unsubscribed_channel import UnsubscribedChannel
from ..types import UNSET, Unset

T = TypeVar("T", bound="Unsubscribed")


@_attrs_define
class Unsubscribed:
    """
    Attributes:
        category (UnsubscribedCategory):
        channel (UnsubscribedChannel):
        subscribed (bool | Unset):  Default: False.
    """

    category: UnsubscribedCategory
    channel: UnsubscribedChannel
    subscribed: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        channel = self.channel.value

        subscribed = self.subscribed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "channel": channel,
            }
        )
        if subscribed is not UNSET:
            field_dict["subscribed"] = subscribed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = UnsubscribedCategory(d.pop("category"))

        channel = UnsubscribedChannel(d.pop("channel"))

        subscribed = d.pop("subscribed", UNSET)

        unsubscribed = cls(
            category=category,
            channel=channel,
            subscribed=subscribed,
        )

        unsubscribed.additional_properties = d
        return unsubscribed

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
