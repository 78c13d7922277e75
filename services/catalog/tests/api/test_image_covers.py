"""A product's cover (ADR 0109): its first ready upload's medium thumbnail, else its
first external URL, in listings, search documents (both backends) and its
ProductUpdated snapshot, kept in step as images become ready and are deleted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from agora_catalog.models import Product
from agora_catalog.service import images
from agora_catalog_testing.helpers import Shop, Store
from agora_catalog_testing.images import picture, upload, wait_for_state
from agora_kit.testing.events import outbox_events
from agora_kit.testing.waiting import eventually

pytestmark = pytest.mark.parametrize(
    "search_backend",
    ["postgres", pytest.param("elasticsearch", marks=pytest.mark.integration)],
    indirect=True,
)

UPDATED = "agora.catalog.product.updated.v1"
EXTERNAL = "https://cdn.example.com/a.jpg"


async def listed_cover(client: httpx.AsyncClient, product_id: str) -> str | None:
    page = await client.get("/api/v1/products")
    assert page.status_code == 200, page.text
    [item] = [item for item in page.json()["items"] if item["id"] == product_id]
    cover: str | None = item["image_url"]
    return cover


async def searched_cover_becomes(client: httpx.AsyncClient, expected: str | None) -> None:
    async def check() -> bool:
        found = await client.get("/api/v1/search", params={"q": "telescope"})
        items: list[dict[str, Any]] = found.json()["items"]
        return [item["image_url"] for item in items] == [expected]

    await eventually(check)


async def ready_upload(shop: Shop, store: Store, product_id: str) -> dict[str, Any]:
    response = await upload(shop, store, product_id, picture("PNG", (900, 600), exif=False))
    assert response.status_code == 201, response.text
    return await wait_for_state(shop, store, product_id, response.json()["id"], "ready")


async def test_the_first_ready_upload_is_the_cover_until_it_is_deleted(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    category = await shop.category("Optics")
    product = await shop.product(store, category, "Telescope", images=[EXTERNAL])
    await searched_cover_becomes(shop.client, EXTERNAL)
    assert await listed_cover(shop.client, product["id"]) == EXTERNAL

    first = await ready_upload(shop, store, product["id"])
    second = await ready_upload(shop, store, product["id"])

    cover = first["thumbnails"]["medium"]
    assert cover.endswith("/medium.webp")
    assert await listed_cover(shop.client, product["id"]) == cover
    await searched_cover_becomes(shop.client, cover)
    # Announced once, when the first turned ready; the second did not change the cover.
    updates = await outbox_events(app, UPDATED)
    assert [u["data"]["image_url"] for u in updates] == [cover]
    # The product's own read is as it was: the external images, and the uploads beside.
    public = await shop.ok(shop.client.get(f"/api/v1/products/{product['id']}"))
    assert [i["url"] for i in public["images"]] == [EXTERNAL]

    # Deleting the cover makes the next ready upload the cover; deleting that one, the
    # external URL again.
    images_url = f"/api/v1/products/{product['id']}/images"
    await shop.ok(
        shop.client.delete(f"{images_url}/{first['id']}", headers=store.owner.headers), 204
    )
    assert await listed_cover(shop.client, product["id"]) == second["thumbnails"]["medium"]
    await searched_cover_becomes(shop.client, second["thumbnails"]["medium"])
    await shop.ok(
        shop.client.delete(f"{images_url}/{second['id']}", headers=store.owner.headers), 204
    )
    assert await listed_cover(shop.client, product["id"]) == EXTERNAL
    await searched_cover_becomes(shop.client, EXTERNAL)
    updates = await outbox_events(app, UPDATED)
    assert [u["data"]["image_url"] for u in updates] == [
        cover,
        second["thumbnails"]["medium"],
        EXTERNAL,
    ]


async def test_a_drafts_cover_is_kept_quietly_and_published_with_it(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    category = await shop.category("Optics")
    draft = await shop.product(store, category, "Telescope", publish=False)
    ready = await ready_upload(shop, store, draft["id"])

    # Nothing is announced of a draft; publishing carries the cover.
    assert await outbox_events(app, UPDATED) == []
    await shop.ok(
        shop.client.post(f"/api/v1/products/{draft['id']}/publish", headers=store.owner.headers)
    )
    [published] = await outbox_events(app, "agora.catalog.product.published.v1")
    assert published["data"]["image_url"] == ready["thumbnails"]["medium"]
    await searched_cover_becomes(shop.client, ready["thumbnails"]["medium"])


async def test_products_whose_images_were_ready_before_covers_get_one(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    product = await shop.product(store, await shop.category("Optics"), "Telescope")
    ready = await ready_upload(shop, store, product["id"])
    database = app.state.database
    # As a product whose image was ready before this revision kept covers.
    async with database.transaction() as session:
        await session.execute(update(Product).values(cover_image_url=None))
    assert await listed_cover(shop.client, product["id"]) is None

    context = app.state.context
    filled = await images.fill_missing_covers(database, context.outbox, context.media)

    assert filled == 1
    assert await listed_cover(shop.client, product["id"]) == ready["thumbnails"]["medium"]
    assert await images.fill_missing_covers(database, context.outbox, context.media) == 0
