"""The product images' request and response shapes (ADR 0103)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from agora_catalog.domain.images import ImageLinks


class UploadedImageOut(BaseModel):
    id: uuid.UUID
    state: Literal["processing", "ready", "failed"] = Field(
        description="`processing` until its thumbnails are made, then `ready`; `failed` "
        "when they cannot be. Readers other than the store see only ready images."
    )
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    width: int
    height: int
    size_bytes: int = Field(description="Of the stored original, metadata removed")
    url: str = Field(description="The original, re-encoded without EXIF or other metadata")
    thumbnails: dict[str, str] = Field(
        description="WebP thumbnails by name: `small` (160 px on the longest side), "
        "`medium` (480) and `large` (1200), never larger than the original; empty "
        "until the image is ready",
    )
    created_at: datetime

    @classmethod
    def of(cls, links: ImageLinks) -> UploadedImageOut:
        return cls.model_validate(links, from_attributes=True)


class UploadedImageList(BaseModel):
    items: list[UploadedImageOut]
