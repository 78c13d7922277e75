"""Search through the API: the index follows the catalog's own events (eventually),
hides what is not for sale, and answers with facets, sorts, pages and suggestions.
The ranking, typo and filter semantics are the contract suite's (tests/search)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agora_catalog_testing.helpers import Shop
from agora_kit.pagination import decode_cursor, encode_cursor
from agora_kit.testing.waiting import eventually

# The same journeys on each backend: the index is fed by events either way.
pytestmark = pytest.mark.parametrize(
    "search_backend",
    ["postgres", pytest.param("elasticsearch", marks=pytest.mark.integration)],
    indirect=True,
)


async def search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def forged_cursor(cursor: str, value: Any) -> str:
    """``cursor`` with its last sort-key value replaced by ``value``."""
    raw: list[Any] = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return encode_cursor([*decode_cursor(cursor, size=len(raw))[:-1], value])


async def titles_eventually(client: httpx.AsyncClient, expected: set[str], **params: Any) -> None:
    async def check() -> bool:
        return {i["title"] for i in (await search(client, **params))["items"]} == expected

    await eventually(check)


async def test_published_products_become_searchable_and_withdrawn_ones_disappear(
    shop: Shop,
) -> None:
    store = await shop.store("Lamp Works")
    lighting = await shop.category("Lighting")
    desk = await shop.product(store, lighting, "Brass Desk Lamp", variants=[{"amount": 4500}])
    floor = await shop.product(store, lighting, "Oak Floor Lamp", variants=[{"amount": 12500}])
    await shop.product(store, lighting, "Draft Lamp", publish=False)
    await titles_eventually(shop.client, {"Brass Desk Lamp", "Oak Floor Lamp"}, q="lamp")

    result = await search(shop.client, q="lamp", sort="price_desc")
    assert [i["title"] for i in result["items"]] == ["Oak Floor Lamp", "Brass Desk Lamp"]
    item = result["items"][0]
    assert item["vendor"] == {"id": store.id, "name": "Lamp Works"}
    assert item["price"] == {"amount": 12500, "currency": "USD"}
    assert result["total"] == 2
    assert result["facets"]["category"] == [
        {"value": lighting["id"], "count": 2, "label": "Lighting"}
    ]
    assert result["facets"]["vendor"] == [{"value": store.id, "count": 2, "label": "Lamp Works"}]

    await shop.ok(
        shop.client.post(f"/api/v1/products/{desk['id']}/unpublish", headers=store.owner.headers)
    )
    await shop.ok(
        shop.client.delete(f"/api/v1/products/{floor['id']}", headers=store.owner.headers), 204
    )
    await titles_eventually(shop.client, set(), q="lamp")


async def test_changes_reach_the_index(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    lighting = await shop.category("Lighting")
    lamp = await shop.product(store, lighting, "Desk Lamp", variants=[{"sku": "LAMP-1"}])
    await titles_eventually(shop.client, {"Desk Lamp"}, q="desk")

    await shop.ok(
        shop.client.patch(
            f"/api/v1/products/{lamp['id']}",
            json={"title": "Reading Light"},
            headers=store.owner.headers,
        )
    )
    await titles_eventually(shop.client, {"Reading Light"}, q="reading")
    await titles_eventually(shop.client, set(), q="desk")

    # A category renamed: its products are found by the new name.
    await shop.ok(
        shop.client.patch(
            f"/api/v1/categories/{lighting['id']}",
            json={"name": "Luminaires"},
            headers=shop.admin.headers,
        )
    )
    await titles_eventually(shop.client, {"Reading Light"}, q="luminaires")

    # A price change moves it between price filters.
    await shop.ok(
        shop.client.patch(
            f"/api/v1/products/{lamp['id']}/variants/LAMP-1",
            json={"price": {"amount": 99_00, "currency": "USD"}},
            headers=store.owner.headers,
        )
    )
    await titles_eventually(shop.client, {"Reading Light"}, min_price=9_000)


async def test_a_suspended_vendors_products_vanish_from_search_and_return_on_approval(
    shop: Shop,
) -> None:
    good, bad = await shop.store("Good Goods"), await shop.store("Bad Goods")
    toys = await shop.category("Toys")
    await shop.product(good, toys, "Wooden Train")
    await shop.product(bad, toys, "Plastic Train")
    await titles_eventually(shop.client, {"Wooden Train", "Plastic Train"}, q="train")

    await shop.ok(
        shop.client.patch(
            f"/api/v1/admin/vendors/{bad.id}",
            json={"status": "suspended"},
            headers=shop.admin.headers,
        )
    )
    await titles_eventually(shop.client, {"Wooden Train"}, q="train")
    assert await shop.ok(shop.client.get("/api/v1/search/suggest", params={"q": "plas"})) == {
        "suggestions": []
    }

    await shop.ok(
        shop.client.patch(
            f"/api/v1/admin/vendors/{bad.id}",
            json={"status": "approved"},
            headers=shop.admin.headers,
        )
    )
    await titles_eventually(shop.client, {"Wooden Train", "Plastic Train"}, q="train")


async def test_search_parameters_filters_pages_and_suggestions(shop: Shop) -> None:
    store = await shop.store()
    clothing = await shop.category("Clothing")
    shirts = await shop.category("Shirts", clothing)
    for i, colour in enumerate(["red", "blue", "red", "green"]):
        await shop.product(
            store,
            shirts,
            f"Linen Shirt {i}",
            variants=[{"amount": 2000 + i * 1000, "attributes": {"colour": colour}}],
        )
    await titles_eventually(shop.client, {f"Linen Shirt {i}" for i in range(4)}, q="linen")
    await titles_eventually(
        shop.client, {"Linen Shirt 0", "Linen Shirt 2"}, category=clothing["id"], attr="colour:red"
    )
    page = await search(shop.client, q="linen", sort="price_asc", limit=3)
    assert [i["title"] for i in page["items"]] == [
        "Linen Shirt 0",
        "Linen Shirt 1",
        "Linen Shirt 2",
    ]
    rest = await search(
        shop.client, q="linen", sort="price_asc", limit=3, cursor=page["next_cursor"]
    )
    assert [i["title"] for i in rest["items"]] == ["Linen Shirt 3"]
    assert rest["next_cursor"] is None
    assert rest["total"] == 4
    both = await shop.client.get(
        "/api/v1/search?attr=colour:red&attr=colour:green&min_price=2500&max_price=5000"
    )
    assert {i["title"] for i in both.json()["items"]} == {"Linen Shirt 2", "Linen Shirt 3"}
    facets = page["facets"]
    assert {f["value"]: f["count"] for f in facets["attributes"]} == {
        "colour:red": 2,
        "colour:blue": 1,
        "colour:green": 1,
    }
    assert {f["value"]: f["count"] for f in facets["price"]} == {
        "1000-2500": 1,
        "2500-5000": 2,
        "5000-10000": 1,
    }
    assert (await search(shop.client, q="linnen"))["total"] == 4, "a typo still finds them"

    suggestions = await shop.ok(shop.client.get("/api/v1/search/suggest", params={"q": "lin"}))
    assert len(suggestions["suggestions"]) == 4
    assert all(s.startswith("Linen Shirt") for s in suggestions["suggestions"])

    refused: list[tuple[dict[str, str | int], str]] = [
        ({"sort": "cheapest"}, "query.sort"),
        ({"min_price": 5, "max_price": 1}, "query.max_price"),
        ({"attr": "colour"}, "query.attr"),
        ({"cursor": "nonsense"}, "query.cursor"),
        ({"limit": 0}, "query.limit"),
        ({"category": "not-a-uuid"}, "query.category"),
        # Beyond PostgreSQL's bigint: refused here, never a driver error.
        ({"min_price": "99999999999999999999"}, "query.min_price"),
        ({"max_price": 2**63}, "query.max_price"),
        ({"cursor": page["next_cursor"] + "\x00"}, "query.cursor"),
        ({"cursor": forged_cursor(page["next_cursor"], "\x00")}, "query.cursor"),
        ({"cursor": forged_cursor(page["next_cursor"], 10**20)}, "query.cursor"),
    ]
    for params, field in refused:
        response = await shop.client.get("/api/v1/search", params=params)
        assert response.status_code == 422, params
        assert field in {e["name"] for e in response.json()["errors"]}, response.json()
    other_sort = await shop.client.get(
        "/api/v1/search", params={"sort": "newest", "cursor": page["next_cursor"]}
    )
    assert other_sort.status_code == 422
    missing = await shop.client.get("/api/v1/search/suggest")
    assert missing.status_code == 422
