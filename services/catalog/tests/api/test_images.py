"""Product images through the catalog's API: uploads judged by their bytes, stored
without metadata, thumbnails made in the background, limits, who may do what, and an
upload whose thumbnails a stopped process never made (ADR 0103)."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from PIL import Image

from agora_catalog.adapters.media.base import MediaUnavailable
from agora_catalog.adapters.media.local import LocalMediaStore
from agora_catalog.app import create_app
from agora_catalog.settings import Settings
from agora_catalog_testing.helpers import Shop, Store
from agora_catalog_testing.images import picture, upload, wait_for_state
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import asgi_client, running
from agora_kit.testing.tokens import Keys

PROBLEMS = "https://agora.dev/problems"


def stored_path(settings: Settings, url: str) -> Path:
    assert url.startswith("/media/"), url
    return settings.media_dir / url.removeprefix("/media/")


def all_files(settings: Settings) -> list[Path]:
    root = settings.media_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def product_of(shop: Shop, *, publish: bool = True) -> tuple[Store, dict[str, Any]]:
    store = await shop.store()
    category = await shop.category(f"Cat {os.urandom(3).hex()}")
    return store, await shop.product(
        store, category, "Camera", publish=publish, images=["https://cdn.example.com/a.jpg"]
    )


async def test_an_upload_is_stored_without_metadata_and_gets_thumbnails(
    shop: Shop, settings: Settings
) -> None:
    store, product = await product_of(shop)
    original = picture("JPEG", (1600, 1000))
    assert b"SecretCam" in original

    # The name and the declared type lie; the bytes decide.
    response = await upload(
        shop, store, product["id"], original, name="x.png", declared="text/plain"
    )

    assert response.status_code == 201, response.text
    made = response.json()
    assert made["state"] == "processing"
    assert made["content_type"] == "image/jpeg"
    assert made["thumbnails"] == {}
    assert response.headers["Location"] == f"/api/v1/products/{product['id']}/images/{made['id']}"
    # The EXIF orientation is applied to the pixels before it is dropped: upright.
    assert (made["width"], made["height"]) == (1000, 1600)
    stored = stored_path(settings, made["url"]).read_bytes()
    assert made["url"].endswith(".jpg")
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as reopened:
        assert reopened.format == "JPEG"
        assert dict(reopened.getexif()) == {}
        assert "exif" not in reopened.info
        assert reopened.size == (1000, 1600)
    assert made["size_bytes"] == len(stored)

    ready = await wait_for_state(shop, store, product["id"], made["id"], "ready")

    assert set(ready["thumbnails"]) == {"small", "medium", "large"}
    for name, side in {"small": 160, "medium": 480, "large": 1200}.items():
        with Image.open(stored_path(settings, ready["thumbnails"][name])) as thumb:
            assert thumb.format == "WEBP"
            assert max(thumb.size) == side
            assert "exif" not in thumb.info
    public = await shop.ok(shop.client.get(f"/api/v1/products/{product['id']}"))
    # The images hosted elsewhere stay as they were, beside the uploaded ones.
    assert public["images"] == [{"url": "https://cdn.example.com/a.jpg", "alt": ""}]
    assert [image["id"] for image in public["uploaded_images"]] == [made["id"]]
    assert public["uploaded_images"][0]["thumbnails"] == ready["thumbnails"]


async def test_png_and_webp_keep_their_type_and_order_is_upload_order(
    shop: Shop, settings: Settings
) -> None:
    store, product = await product_of(shop)
    ids = []
    for kind, extension in (("PNG", ".png"), ("WEBP", ".webp"), ("JPEG", ".jpg")):
        response = await upload(shop, store, product["id"], picture(kind, (300, 200)))
        assert response.status_code == 201, response.text
        assert response.json()["url"].endswith(extension)
        stored = stored_path(settings, response.json()["url"]).read_bytes()
        assert b"SecretCam" not in stored
        with Image.open(io.BytesIO(stored)) as reopened:
            assert reopened.format == kind
            assert dict(reopened.getexif()) == {}
        ids.append(response.json()["id"])
    for image_id in ids:
        await wait_for_state(shop, store, product["id"], image_id, "ready")

    listed = await shop.ok(shop.client.get(f"/api/v1/products/{product['id']}/images"))
    public = await shop.ok(shop.client.get(f"/api/v1/products/{product['id']}"))

    assert [item["id"] for item in listed["items"]] == ids
    assert [item["id"] for item in public["uploaded_images"]] == ids


async def test_what_is_no_supported_image_is_refused_and_nothing_is_kept(
    shop: Shop, settings: Settings
) -> None:
    store, product = await product_of(shop)
    gif = io.BytesIO()
    Image.new("RGB", (20, 20)).save(gif, "GIF")
    jpeg = picture("JPEG", (400, 300))
    cases = [
        (gif.getvalue(), "cat.png", "image/png", 415, "unsupported-image-type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.jpg", "image/jpeg", 415, None),
        (b"#!/bin/sh\necho hi\n", "x.webp", "image/webp", 415, None),
        (b"", "empty.jpg", "image/jpeg", 415, None),
        (jpeg[: len(jpeg) // 2], "cut.jpg", "image/jpeg", 422, "invalid-image"),
    ]
    for data, name, declared, status, slug in cases:
        response = await upload(shop, store, product["id"], data, name=name, declared=declared)
        assert response.status_code == status, (name, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        if slug:
            assert response.json()["type"] == f"{PROBLEMS}/{slug}"

    listed = await shop.ok(
        shop.client.get(f"/api/v1/products/{product['id']}/images", headers=store.owner.headers)
    )
    assert listed["items"] == []
    assert all_files(settings) == []


async def test_larger_than_10_mb_is_413_and_nothing_is_kept(shop: Shop, settings: Settings) -> None:
    store, product = await product_of(shop)
    limit = settings.image_max_bytes
    assert limit == 10 * 1024 * 1024
    just_over = picture("JPEG", (50, 50)) + os.urandom(limit)
    far_over = os.urandom(limit + 200_000)

    # Just over: the route measures the file; far over: the body limit stops it first.
    for data, slug in ((just_over, "image-too-large"), (far_over, "payload-too-large")):
        response = await upload(shop, store, product["id"], data)
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == f"{PROBLEMS}/{slug}"

    assert all_files(settings) == []
    listed = await shop.ok(
        shop.client.get(f"/api/v1/products/{product['id']}/images", headers=store.owner.headers)
    )
    assert listed["items"] == []


async def test_only_the_owner_or_an_admin_may_upload_or_delete(
    shop: Shop, settings: Settings
) -> None:
    store, product = await product_of(shop, publish=False)
    rival = await shop.store()
    images_url = f"/api/v1/products/{product['id']}/images"
    data = picture("PNG", (64, 64))

    anonymous = await shop.client.post(images_url, files={"file": ("a.png", data, "image/png")})
    theirs = await upload(shop, rival, product["id"], data)
    assert anonymous.status_code == 401
    assert theirs.status_code == 403
    assert theirs.json()["type"] == f"{PROBLEMS}/not-your-product"
    assert all_files(settings) == []

    mine = await upload(shop, store, product["id"], data)
    assert mine.status_code == 201
    image_url = f"{images_url}/{mine.json()['id']}"
    by_admin = await shop.client.post(
        images_url, files={"file": ("a.png", data, "image/png")}, headers=shop.admin.headers
    )
    assert by_admin.status_code == 201
    # A draft's images are the store's business: others are told it does not exist.
    assert (await shop.client.get(images_url)).status_code == 404
    assert (await shop.client.get(images_url, headers=rival.owner.headers)).status_code == 404
    assert (await shop.client.delete(image_url, headers=rival.owner.headers)).status_code == 403
    assert (await shop.client.delete(image_url)).status_code == 401
    listed = await shop.ok(shop.client.get(images_url, headers=store.owner.headers))
    assert len(listed["items"]) == 2


async def test_delete_removes_the_image_and_its_files(shop: Shop, settings: Settings) -> None:
    store, product = await product_of(shop)
    made = (await upload(shop, store, product["id"], picture("JPEG"))).json()
    ready = await wait_for_state(shop, store, product["id"], made["id"], "ready")
    files = [stored_path(settings, ready["url"])] + [
        stored_path(settings, url) for url in ready["thumbnails"].values()
    ]
    assert all(path.exists() for path in files)
    image_url = f"/api/v1/products/{product['id']}/images/{made['id']}"

    deleted = await shop.client.delete(image_url, headers=store.owner.headers)

    assert deleted.status_code == 204
    assert not any(path.exists() for path in files)
    listed = await shop.ok(shop.client.get(f"/api/v1/products/{product['id']}/images"))
    assert listed["items"] == []
    again = await shop.client.delete(image_url, headers=store.owner.headers)
    assert again.status_code == 404


class StalledStore(LocalMediaStore):
    """Reads never finish: a process that stops while making thumbnails."""

    async def get(self, key: str) -> bytes:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class DownStore(LocalMediaStore):
    """A store that cannot be reached."""

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        raise MediaUnavailable("connection refused")


class GarbledStore(LocalMediaStore):
    """Reads return what no decoder takes: an original damaged in the store."""

    async def get(self, key: str) -> bytes:
        return b"not an image any more"


async def test_thumbnails_a_stopped_process_did_not_make_are_made_at_the_next_start(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> None:
    first = create_app(
        settings,
        transport=transport,
        media=StalledStore(settings.media_dir, settings.media_url),
    )
    async with running(first, keys), asgi_client(first, "http://catalog.test") as client:
        shop = Shop(client, keys)
        store, product = await product_of(shop)
        made = (await upload(shop, store, product["id"], picture("PNG"))).json()
        await asyncio.sleep(0.3)  # the worker has it, and stalls
        owner_view = await shop.ok(
            client.get(f"/api/v1/products/{product['id']}", headers=store.owner.headers)
        )
        public_view = await shop.ok(client.get(f"/api/v1/products/{product['id']}"))
        # The store sees it processing; buyers see only ready images.
        assert [i["state"] for i in owner_view["uploaded_images"]] == ["processing"]
        assert public_view["uploaded_images"] == []

    second: FastAPI = create_app(settings, transport=transport)
    async with running(second, keys), asgi_client(second, "http://catalog.test") as client:
        shop = Shop(client, keys)
        ready = await wait_for_state(shop, store, product["id"], made["id"], "ready")
        assert set(ready["thumbnails"]) == {"small", "medium", "large"}


async def test_an_original_that_cannot_be_made_into_thumbnails_is_failed(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> None:
    app = create_app(
        settings,
        transport=transport,
        media=GarbledStore(settings.media_dir, settings.media_url),
    )
    async with running(app, keys), asgi_client(app, "http://catalog.test") as client:
        shop = Shop(client, keys)
        store, product = await product_of(shop)
        made = (await upload(shop, store, product["id"], picture("WEBP"))).json()

        failed = await wait_for_state(shop, store, product["id"], made["id"], "failed")

        assert failed["thumbnails"] == {}
        public = await shop.ok(client.get(f"/api/v1/products/{product['id']}"))
        assert public["uploaded_images"] == []


async def test_a_store_that_cannot_be_reached_is_503_and_no_image_is_left(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> None:
    app = create_app(
        settings, transport=transport, media=DownStore(settings.media_dir, settings.media_url)
    )
    async with running(app, keys), asgi_client(app, "http://catalog.test") as client:
        shop = Shop(client, keys)
        store, product = await product_of(shop)

        response = await upload(shop, store, product["id"], picture("PNG"))

        assert response.status_code == 503, response.text
        assert response.json()["type"] == f"{PROBLEMS}/service-unavailable"
        listed = await shop.ok(
            client.get(f"/api/v1/products/{product['id']}/images", headers=store.owner.headers)
        )
        assert listed["items"] == []
