"""The category tree."""

from __future__ import annotations

import uuid

from fastapi import FastAPI

from agora_catalog_testing.helpers import Shop
from agora_kit.testing.events import outbox_events


async def test_admins_build_a_tree_everyone_reads(shop: Shop, app: FastAPI) -> None:
    electronics = await shop.category("Electronics")
    audio = await shop.category("Audio", electronics)
    headphones = await shop.category("Headphones", audio)
    await shop.category("Books")

    tree = await shop.ok(shop.client.get("/api/v1/categories"))
    assert [root["name"] for root in tree["items"]] == ["Books", "Electronics"]
    [audio_node] = tree["items"][1]["children"]
    assert audio_node["name"] == "Audio"
    assert [c["name"] for c in audio_node["children"]] == ["Headphones"]

    detail = await shop.ok(shop.client.get(f"/api/v1/categories/{headphones['id']}"))
    assert [c["name"] for c in detail["path"]] == ["Electronics", "Audio", "Headphones"]
    assert detail["slug"] == "headphones"
    assert len(await outbox_events(app, "agora.catalog.category.created.v1")) == 4


async def test_only_admins_create_and_names_are_unique_among_siblings(shop: Shop) -> None:
    refused = await shop.client.post(
        "/api/v1/categories", json={"name": "Toys"}, headers=shop.user().headers
    )
    assert refused.status_code == 403
    toys = await shop.category("Toys")
    again = await shop.client.post(
        "/api/v1/categories", json={"name": "Toys"}, headers=shop.admin.headers
    )
    assert again.status_code == 409
    # The same name below another parent is fine.
    await shop.category("Toys", await shop.category("Pets"))
    orphan = await shop.client.post(
        "/api/v1/categories",
        json={"name": "Lost", "parent_id": str(uuid.uuid4())},
        headers=shop.admin.headers,
    )
    assert orphan.status_code == 422
    assert orphan.json()["errors"][0]["name"] == "body.parent_id"
    assert toys["parent_id"] is None


async def test_rename_move_and_delete(shop: Shop, app: FastAPI) -> None:
    a = await shop.category("A")
    b = await shop.category("B", a)
    moved = await shop.ok(
        shop.client.patch(
            f"/api/v1/categories/{b['id']}",
            json={"name": "Bee", "parent_id": None},
            headers=shop.admin.headers,
        )
    )
    assert (moved["name"], moved["parent_id"]) == ("Bee", None)
    assert len(await outbox_events(app, "agora.catalog.category.updated.v1")) == 1

    cycle = await shop.client.patch(
        f"/api/v1/categories/{a['id']}", json={"parent_id": a["id"]}, headers=shop.admin.headers
    )
    assert cycle.status_code == 422

    store = await shop.store()
    await shop.product(store, a, "In A", publish=False)
    in_use = await shop.client.delete(f"/api/v1/categories/{a['id']}", headers=shop.admin.headers)
    assert in_use.status_code == 409
    gone = await shop.client.delete(f"/api/v1/categories/{b['id']}", headers=shop.admin.headers)
    assert gone.status_code == 204
    assert (await shop.client.get(f"/api/v1/categories/{b['id']}")).status_code == 404
