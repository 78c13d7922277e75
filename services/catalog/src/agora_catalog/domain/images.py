"""Product images with Pillow, pure and synchronous (the service runs them in a
thread): what an upload is, judged by its bytes alone, its re-encoding without
metadata, and its thumbnails (ADR 0103)."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's format name -> (content type, file extension).
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
# Thumbnails: longest side in pixels, by name; WebP, never larger than the original.
THUMBNAIL_SIZES = {"small": 160, "medium": 480, "large": 1200}
THUMBNAIL_TYPE = ("image/webp", "webp")
JPEG_QUALITY = 90
WEBP_QUALITY = 85


class UnsupportedImage(ValueError):
    """Not a JPEG, PNG or WebP image, whatever its name or declared type says."""


class CorruptImage(ValueError):
    """Looks like a supported image but cannot be decoded (truncated, damaged, or more
    pixels than allowed)."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The decoded first frame; raises the errors above."""
    with warnings.catch_warnings():
        # Over Pillow's own bomb limit it only warns up to twice that: ours is the limit.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except UnidentifiedImageError:
            raise UnsupportedImage("not a JPEG, PNG or WebP image") from None
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise CorruptImage(f"the image cannot be read: {exc}") from None
        if image.width * image.height > max_pixels:
            raise CorruptImage(
                f"the image has {image.width}x{image.height} pixels, more than {max_pixels}"
            )
        try:
            image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise CorruptImage(f"the image cannot be decoded: {exc}") from None
    return image


def clean(data: bytes, *, max_pixels: int) -> CleanImage:
    """The upload sniffed from its bytes and encoded anew in its own format: EXIF, XMP,
    comments and text chunks are left behind (only the colour profile is kept), and a
    JPEG's EXIF orientation is applied to the pixels first, so it still shows upright.
    An animated image keeps its first frame."""
    image = _open(data, max_pixels)
    kind = image.format or ""
    content_type, extension = FORMATS[kind]
    icc_profile = image.info.get("icc_profile")
    # A new image, turned as its EXIF says; the decoded one is let go at once (a 50
    # megapixel image is 150 MB of pixels).
    pixels = ImageOps.exif_transpose(image)
    image.close()
    # Nothing of the original's info travels but a palette's transparent colour.
    pixels.info = {k: v for k, v in pixels.info.items() if k == "transparency"}
    out = io.BytesIO()
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == "JPEG":
        if pixels.mode not in ("RGB", "L", "CMYK"):
            pixels = pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **options)
    elif kind == "PNG":
        pixels.save(out, "PNG", optimize=True, **options)
    else:
        pixels = _rgb(pixels)
        pixels.save(out, "WEBP", quality=WEBP_QUALITY, **options)
    return CleanImage(out.getvalue(), content_type, extension, pixels.width, pixels.height)


def _rgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA where the image has any transparency."""
    if image.mode in ("RGB", "RGBA"):
        return image
    transparent = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if transparent else "RGB")


def thumbnails(data: bytes, *, max_pixels: int) -> dict[str, bytes]:
    """WebP thumbnails of a cleaned original, by name of :data:`THUMBNAIL_SIZES`."""
    image = _rgb(_open(data, max_pixels))
    made: dict[str, bytes] = {}
    for name, side in THUMBNAIL_SIZES.items():
        thumb = image.copy()
        thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        thumb.save(out, "WEBP", quality=WEBP_QUALITY)
        made[name] = out.getvalue()
    return made


def original_key(product_id: uuid.UUID, image_id: uuid.UUID, extension: str) -> str:
    return f"products/{product_id}/{image_id}/original.{extension}"


def thumbnail_key(product_id: uuid.UUID, image_id: uuid.UUID, name: str) -> str:
    return f"products/{product_id}/{image_id}/{name}.{THUMBNAIL_TYPE[1]}"


class ImageFields(Protocol):
    """What an image's links are made of: the ORM row and ``ImageRecord`` both."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def product_id(self) -> uuid.UUID: ...
    @property
    def state(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def original_key(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """A ready image as the product read returns it, in one JSON column of the
    product's row (``repository.product_views``): no third round trip per read."""

    id: uuid.UUID
    product_id: uuid.UUID
    state: str
    content_type: str
    original_key: str
    width: int
    height: int
    size_bytes: int
    created_at: datetime

    @classmethod
    def of_json(cls, item: dict[str, Any]) -> ImageRecord:
        return cls(
            id=uuid.UUID(item["id"]),
            product_id=uuid.UUID(item["product_id"]),
            state=item["state"],
            content_type=item["content_type"],
            original_key=item["original_key"],
            width=item["width"],
            height=item["height"],
            size_bytes=item["size_bytes"],
            created_at=datetime.fromisoformat(item["created_at"]),
        )


@dataclass(frozen=True)
class ImageLinks:
    """An image as readers see it: its state and where its files are read."""

    id: uuid.UUID
    state: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    created_at: datetime
    url: str
    # By name of THUMBNAIL_SIZES; empty until the image is ready.
    thumbnails: dict[str, str]
