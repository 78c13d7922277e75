from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.category_out import CategoryOut


T = TypeVar("T", bound="CategoryDetail")


@_attrs_define
class CategoryDetail:
    """
    Attributes:
        id (UUID):
        name (str):
        slug (str):
        parent_id (None | UUID):
        path (list[CategoryOut]): From the root down to this category
        children (list[CategoryOut]):
    """

    id: UUID
    name: str
    slug: str
    parent_id: None | UUID
    path: list[CategoryOut]
    children: list[CategoryOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        slug = self.slug

        parent_id: None | str
        if isinstance(self.parent_id, UUID):
            parent_id = str(self.parent_id)
        else:
            parent_id = self.parent_id

        path = []
        for path_item_data in self.path:
            path_item = path_item_data.to_dict()
            path.append(path_item)

        children = []
        for children_item_data in self.children:
            children_item = children_item_data.to_dict()
            children.append(children_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "slug": slug,
                "parent_id": parent_id,
                "path": path,
                "children": children,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.category_out import CategoryOut  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        slug = d.pop("slug")

        def _parse_parent_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_id_type_0 = UUID(data)

                return parent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        parent_id = _parse_parent_id(d.pop("parent_id"))

        path = []
        _path = d.pop("path")
        for path_item_data in _path:
            path_item = CategoryOut.from_dict(path_item_data)

            path.append(path_item)

        children = []
        _children = d.pop("children")
        for children_item_data in _children:
            children_item = CategoryOut.from_dict(children_item_data)

            children.append(children_item)

        category_detail = cls(
            id=id,
            name=name,
            slug=slug,
            parent_id=parent_id,
            path=path,
            children=children,
        )

        category_detail.additional_properties = d
        return category_detail

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
