"""The thumbnail worker and a deletion of the image it works on (ADR 0109): the deletion
holds the product and waits for the image's row, which the worker holds; the worker
does not wait for the product (that would be a deadlock) but lets the image go and
tries again, and the deletion goes through."""

from __future__ import annotations

import asyncio
import logging

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from agora_catalog.adapters.media.local import LocalMediaStore
from agora_catalog.app import create_app
from agora_catalog.settings import Settings
from agora_catalog_testing.helpers import Shop
from agora_catalog_testing.images import picture, upload
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import asgi_client, running
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually


class GatedStore(LocalMediaStore):
    """Stores thumbnails only once its gate is open; ``waiting`` is set when one waits."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        if not key.endswith("/original.png"):
            self.waiting.set()
            await self.gate.wait()
        await super().put(key, data, content_type)


async def lock_waits(app: FastAPI) -> int:
    async with app.state.database.transaction() as session:
        return int(await session.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")))


async def test_deleting_an_image_the_worker_holds_is_no_deadlock(
    settings: Settings, keys: Keys, transport: InProcessTransport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agora.catalog.images")
    store = GatedStore(settings.media_dir, settings.media_url)
    app: FastAPI = create_app(settings, transport=transport, media=store)
    async with running(app, keys), asgi_client(app, "http://catalog.test") as client:
        shop = Shop(client, keys)
        owner = await shop.store()
        product = await shop.product(owner, await shop.category("Optics"), "Telescope")
        made = await upload(shop, owner, product["id"], picture("PNG", (300, 200), exif=False))
        assert made.status_code == 201, made.text
        image_url = f"/api/v1/products/{product['id']}/images/{made.json()['id']}"
        # The worker holds the image's row, its thumbnails waiting at the gate.
        await asyncio.wait_for(store.waiting.wait(), 10)

        # The deletion takes the product, then waits for the image's row.
        deleting = asyncio.create_task(client.delete(image_url, headers=owner.owner.headers))

        async def deletion_waits() -> bool:
            return await lock_waits(app) > 0

        await eventually(deletion_waits)
        store.gate.set()

        # The worker does not wait for the product: it lets the image go, and the
        # deletion goes through.
        deleted = await asyncio.wait_for(deleting, 10)
        assert deleted.status_code == 204, deleted.text
        assert "the product of the next image is busy; trying again" in caplog.messages
        assert not any("worker failed" in m for m in caplog.messages)
        listed = await shop.ok(
            client.get(f"/api/v1/products/{product['id']}/images", headers=owner.owner.headers)
        )
        assert listed["items"] == []
        page = await shop.ok(client.get("/api/v1/products"))
        [item] = [item for item in page["items"] if item["id"] == product["id"]]
        assert item["image_url"] is None
