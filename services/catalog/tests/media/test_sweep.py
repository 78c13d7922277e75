"""The media sweep (ADR 0109) on the local store and on S3: files no image row names
and the images of products deleted longer ago than the grace period go, once old
enough; the images of live products, and keys that are no image's, stay."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from agora_catalog.adapters.media.base import MediaStore
from agora_catalog.adapters.media.local import LocalMediaStore
from agora_catalog.app import create_app
from agora_catalog.repository.images import of_product
from agora_catalog.service.media_sweep import sweep
from agora_catalog.settings import Settings
from agora_catalog_testing.helpers import Shop
from agora_catalog_testing.images import picture, upload, wait_for_state
from agora_catalog_testing.s3 import drop, fresh_store
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import asgi_client, running
from agora_kit.testing.tokens import Keys

HOUR, MONTH = timedelta(hours=1), timedelta(days=30)


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.integration)])
async def store(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[MediaStore]:
    if request.param == "local":
        yield LocalMediaStore(settings.media_dir, settings.media_url)
        return
    s3 = await fresh_store(request.getfixturevalue("s3_server"))
    yield s3
    await drop(s3)


async def stored_keys(store: MediaStore) -> set[str]:
    return {item.key async for page in store.listing("products/") for item in page}


async def test_the_sweep_takes_orphans_and_deleted_products_images_after_their_grace(
    settings: Settings, keys: Keys, transport: InProcessTransport, store: MediaStore
) -> None:
    app: FastAPI = create_app(settings, transport=transport, media=store)
    async with running(app, keys), asgi_client(app, "http://catalog.test") as client:
        shop = Shop(client, keys)
        owner = await shop.store()
        category = await shop.category("Cameras")
        kept, dropped = [
            await shop.product(owner, category, title) for title in ("Kept", "Dropped")
        ]
        for product in (kept, dropped):
            made = await upload(shop, owner, product["id"], picture("PNG", (300, 200)))
            assert made.status_code == 201, made.text
            await wait_for_state(shop, owner, product["id"], made.json()["id"], "ready")
        await shop.ok(
            client.delete(f"/api/v1/products/{dropped['id']}", headers=owner.owner.headers), 204
        )
        # An original whose row never committed, and a key that is no image's.
        orphan = f"products/{kept['id']}/{uuid.uuid4()}/original.png"
        await store.put(orphan, b"left behind", "image/png")
        await store.put("products/notes.txt", b"not an image", "text/plain")
        kept_files = {k for k in await stored_keys(store) if kept["id"] in k} - {orphan}
        dropped_files = {k for k in await stored_keys(store) if dropped["id"] in k}
        assert len(kept_files) == len(dropped_files) == 4
        database = app.state.database

        # Too new, both: nothing goes.
        report = await sweep(database, store, orphan_grace=HOUR, deleted_grace=MONTH)
        assert (report.images_of_deleted_products, report.orphan_files) == (0, 0)
        everything = kept_files | dropped_files | {orphan, "products/notes.txt"}
        assert await stored_keys(store) == everything

        later = datetime.now(UTC) + MONTH + HOUR
        report = await sweep(database, store, orphan_grace=HOUR, deleted_grace=MONTH, now=later)

        assert (report.images_of_deleted_products, report.orphan_files) == (1, 1)
        assert await stored_keys(store) == kept_files | {"products/notes.txt"}
        async with database.transaction() as session:
            assert len(await of_product(session, uuid.UUID(kept["id"]))) == 1
            assert await of_product(session, uuid.UUID(dropped["id"])) == []
        # A second sweep finds nothing more.
        again = await sweep(database, store, orphan_grace=HOUR, deleted_grace=MONTH, now=later)
        assert (again.images_of_deleted_products, again.orphan_files) == (0, 0)
