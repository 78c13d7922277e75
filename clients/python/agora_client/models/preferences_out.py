from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.locked_choice import LockedChoice
    from ..models.preferences_out_preferences import PreferencesOutPreferences


T = TypeVar("T", bound="PreferencesOut")


@_attrs_define
class PreferencesOut:
    """
    Attributes:
        preferences (PreferencesOutPreferences): category -> channel -> whether you get notifications there
        locked (list[LockedChoice]): Choices that cannot be switched off
    """

    preferences: PreferencesOutPreferences
    locked: list[LockedChoice]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        preferences = self.preferences.to_dict()

        locked = []
        for locked_item_data in self.locked:
            locked_item = locked_item_data.to_dict()
            locked.append(locked_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "preferences": preferences,
                "locked": locked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.locked_choice import LockedChoice  # noqa: PLC0415
        from ..models.preferences_out_preferences import PreferencesOutPreferences  # noqa: PLC0415

        d = dict(src_dict)
        preferences = PreferencesOutPreferences.from_dict(d.pop("preferences"))

        locked = []
        _locked = d.pop("locked")
        for locked_item_data in _locked:
            locked_item = LockedChoice.from_dict(locked_item_data)

            locked.append(locked_item)

        preferences_out = cls(
            preferences=preferences,
            locked=locked,
        )

        preferences_out.additional_properties = d
        return preferences_out

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
