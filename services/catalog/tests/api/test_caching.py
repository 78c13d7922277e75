"""Public reads carry an ETag; a client that presents it gets 304 until the product,
its stock or its store changes."""

from __future__ import annotations

from typing import Any

from agora_catalog_testing.helpers import Shop
from agora_kit.testing.waiting import eventually


async def test_a_product_read_is_revalidated_with_its_etag(shop: Shop) -> None:
    store = await shop.store()
    boots = await shop.category("Boots")
    product = await shop.product(store, boots, "Boot", variants=[{"sku": "ETAG-1", "stock": 10}])
    url = f"/api/v1/products/{product['id']}"

    first = await shop.client.get(url)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"')
    assert tag.endswith('"')
    assert first.headers["cache-control"] == "public, no-cache"
    assert "Authorization" in first.headers["vary"]

    again = await shop.client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert "content-type" not in again.headers
    # A list of tags, a weak form of it, or * match too (RFC 9110 §13.1.2).
    for header in (f'"other", {tag}', f"W/{tag}", "*"):
        assert (await shop.client.get(url, headers={"If-None-Match": header})).status_code == 304
    assert (await shop.client.get(url, headers={"If-None-Match": '"other"'})).status_code == 200

    await shop.ok(
        shop.client.put(
            "/api/v1/inventory/ETAG-1", json={"on_hand": 3}, headers=store.owner.headers
        )
    )
    after_stock = await shop.client.get(url, headers={"If-None-Match": tag})
    assert after_stock.status_code == 200
    assert after_stock.json()["variants"][0]["available"] == 3
    assert after_stock.headers["etag"] != tag

    await shop.ok(
        shop.client.patch(url, json={"title": "Winter boot"}, headers=store.owner.headers)
    )
    renamed = await shop.client.get(url, headers={"If-None-Match": after_stock.headers["etag"]})
    assert (renamed.status_code, renamed.json()["title"]) == (200, "Winter boot")


async def test_signed_in_reads_are_private_and_errors_carry_no_etag(shop: Shop) -> None:
    store = await shop.store()
    boots = await shop.category("Boots")
    product = await shop.product(store, boots, "Boot")
    url = f"/api/v1/products/{product['id']}"

    owner = await shop.client.get(url, headers=store.owner.headers)
    assert owner.headers["cache-control"] == "private, no-cache"
    anonymous = await shop.client.get(url)
    # The owner sees what others do not: their answers differ, and so do the tags.
    assert owner.headers["etag"] != anonymous.headers["etag"]

    missing = await shop.client.get("/api/v1/products/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert "etag" not in missing.headers


async def test_lists_categories_vendors_and_search_carry_etags(shop: Shop) -> None:
    store = await shop.store()
    boots = await shop.category("Boots")
    await shop.product(store, boots, "Boot")

    async def indexed() -> Any:
        found = (await shop.client.get("/api/v1/search?q=boot")).json()
        return found if found["total"] else None

    await eventually(indexed)  # the search index follows the product's events
    for url in (
        "/api/v1/products",
        "/api/v1/categories",
        f"/api/v1/vendors/{store.id}",
        "/api/v1/search?q=boot",
    ):
        first = await shop.client.get(url)
        assert first.status_code == 200, url
        again = await shop.client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, url
