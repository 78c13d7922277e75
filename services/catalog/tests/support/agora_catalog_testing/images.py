"""Product image helpers for the catalog's tests: a picture with revealing EXIF, an
upload through the API, and waiting for an image's state."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
from PIL import Image

from agora_catalog_testing.helpers import Shop, Store

GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def picture(kind: str = "JPEG", size: tuple[int, int] = (640, 480), *, exif: bool = True) -> bytes:
    """An image with EXIF that says where it was taken and with what, turned on its side
    (orientation 6) where the format allows."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if exif:
        tags = Image.Exif()
        tags[MAKE] = "SecretCam"
        tags[ORIENTATION] = 6
        tags[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
        options["exif"] = tags.tobytes()
    image.save(out, kind, **options)
    return out.getvalue()


async def upload(
    shop: Shop,
    store: Store,
    product_id: str,
    data: bytes,
    *,
    name: str = "photo.jpg",
    declared: str = "image/jpeg",
) -> httpx.Response:
    return await shop.client.post(
        f"/api/v1/products/{product_id}/images",
        files={"file": (name, data, declared)},
        headers=store.owner.headers,
    )


async def wait_for_state(
    shop: Shop, store: Store, product_id: str, image_id: str, state: str
) -> dict[str, Any]:
    for _ in range(200):
        listed = await shop.ok(
            shop.client.get(f"/api/v1/products/{product_id}/images", headers=store.owner.headers)
        )
        found = next(item for item in listed["items"] if item["id"] == image_id)
        if found["state"] == state:
            result: dict[str, Any] = found
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"image {image_id} never became {state}: {found}")
