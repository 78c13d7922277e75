from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.preferences_in_preferences import PreferencesInPreferences


T = TypeVar("T", bound="PreferencesIn")


@_attrs_define
class PreferencesIn:
    """
    Attributes:
        preferences (PreferencesInPreferences): The choices to change; categories and channels left out stay as they are
    """

    preferences: PreferencesInPreferences
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        preferences = self.preferences.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "preferences": preferences,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preferences_in_preferences import PreferencesInPreferences  # noqa: PLC0415

        d = dict(src_dict)
        preferences = PreferencesInPreferences.from_dict(d.pop("preferences"))

        preferences_in = cls(
            preferences=preferences,
        )

        preferences_in.additional_properties = d
        return preferences_in

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
