"""An image upload honours an Idempotency-Key (ADR 0109): a retry with the same key and
file answers the first upload again and makes no second image; the same key with
another file is 422; an upload that failed leaves its key free."""

from __future__ import annotations

from typing import Any

import httpx

from agora_catalog.settings import Settings
from agora_catalog_testing.helpers import Shop, Store
from agora_catalog_testing.images import picture

PROBLEMS = "https://agora.dev/problems"


async def keyed_upload(
    shop: Shop, store: Store, product_id: str, data: bytes, key: str, *, name: str = "a.jpg"
) -> httpx.Response:
    return await shop.client.post(
        f"/api/v1/products/{product_id}/images",
        files={"file": (name, data, "image/jpeg")},
        headers={**store.owner.headers, "Idempotency-Key": key},
    )


async def images_of(shop: Shop, store: Store, product_id: str) -> list[dict[str, Any]]:
    listed = await shop.ok(
        shop.client.get(f"/api/v1/products/{product_id}/images", headers=store.owner.headers)
    )
    items: list[dict[str, Any]] = listed["items"]
    return items


async def test_a_retried_upload_answers_the_first_and_makes_no_second_image(
    shop: Shop, settings: Settings
) -> None:
    store = await shop.store()
    category = await shop.category("Cameras")
    product = await shop.product(store, category, "Camera")
    photo = picture("JPEG", (400, 300))

    first = await keyed_upload(shop, store, product["id"], photo, "upload-1")
    # The same file under another name is the same upload.
    again = await keyed_upload(shop, store, product["id"], photo, "upload-1", name="b.jpg")

    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.json() == first.json()
    assert [image["id"] for image in await images_of(shop, store, product["id"])] == [
        first.json()["id"]
    ]
    originals = list(settings.media_dir.rglob("original.*"))
    assert len(originals) == 1

    # The same key with another file is refused, and nothing is stored.
    other = await keyed_upload(shop, store, product["id"], picture("JPEG", (200, 100)), "upload-1")
    assert other.status_code == 422, other.text
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"] == f"{PROBLEMS}/idempotency-key-reused"
    assert len(await images_of(shop, store, product["id"])) == 1
    assert list(settings.media_dir.rglob("original.*")) == originals

    # Another key is another upload.
    second = await keyed_upload(shop, store, product["id"], photo, "upload-2")
    assert second.status_code == 201, second.text
    assert second.json()["id"] != first.json()["id"]
    assert len(await images_of(shop, store, product["id"])) == 2


async def test_a_refused_upload_leaves_its_key_free(shop: Shop) -> None:
    store = await shop.store()
    category = await shop.category("Cameras")
    product = await shop.product(store, category, "Camera")

    refused = await keyed_upload(shop, store, product["id"], b"GIF89a not this", "k")
    assert refused.status_code == 415, refused.text

    # The refusal kept nothing, the key included: a good file under it is uploaded.
    made = await keyed_upload(shop, store, product["id"], picture("JPEG", (300, 200)), "k")
    assert made.status_code == 201, made.text
    assert "Idempotent-Replayed" not in made.headers
    assert len(await images_of(shop, store, product["id"])) == 1
