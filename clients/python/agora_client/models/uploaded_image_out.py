from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.uploaded_image_out_content_type import UploadedImageOutContentType
from ..models.uploaded_image_out_state import UploadedImageOutState

if TYPE_CHECKING:
    from ..models.uploaded_image_out_thumbnails import UploadedImageOutThumbnails


T = TypeVar("T", bound="UploadedImageOut")


@_attrs_define
class UploadedImageOut:
    """
    Attributes:
        id (UUID):
        state (UploadedImageOutState): `processing` until its thumbnails are made, then `ready`; `failed` when they
            cannot be. Readers other than the store see only ready images.
        content_type (UploadedImageOutContentType):
        width (int):
        height (int):
        size_bytes (int): Of the stored original, metadata removed
        url (str): The original, re-encoded without EXIF or other metadata
        thumbnails (UploadedImageOutThumbnails): WebP thumbnails by name: `small` (160 px on the longest side), `medium`
            (480) and `large` (1200), never larger than the original; empty until the image is ready
        created_at (datetime.datetime):
    """

    id: UUID
    state: UploadedImageOutState
    content_type: UploadedImageOutContentType
    width: int
    height: int
    size_bytes: int
    url: str
    thumbnails: UploadedImageOutThumbnails
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        state = self.state.value

        content_type = self.content_type.value

        width = self.width

        height = self.height

        size_bytes = self.size_bytes

        url = self.url

        thumbnails = self.thumbnails.to_dict()

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "state": state,
                "content_type": content_type,
                "width": width,
                "height": height,
                "size_bytes": size_bytes,
                "url": url,
                "thumbnails": thumbnails,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.uploaded_image_out_thumbnails import UploadedImageOutThumbnails  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        state = UploadedImageOutState(d.pop("state"))

        content_type = UploadedImageOutContentType(d.pop("content_type"))

        width = d.pop("width")

        height = d.pop("height")

        size_bytes = d.pop("size_bytes")

        url = d.pop("url")

        thumbnails = UploadedImageOutThumbnails.from_dict(d.pop("thumbnails"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        uploaded_image_out = cls(
            id=id,
            state=state,
            content_type=content_type,
            width=width,
            height=height,
            size_bytes=size_bytes,
            url=url,
            thumbnails=thumbnails,
            created_at=created_at,
        )

        uploaded_image_out.additional_properties = d
        return uploaded_image_out

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
