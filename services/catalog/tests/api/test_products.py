"""Products and variants: drafts, publishing, ownership, browse."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from agora_catalog.repository import search_documents as index_queries
from agora_catalog.service.products import announce_for_sale
from agora_catalog_testing.helpers import Shop
from agora_kit.auth import SCOPE_CATALOG_READ, SCOPE_INVENTORY_WRITE, SCOPE_ORDERS_READ
from agora_kit.testing.events import outbox_events

PUBLISHED = "agora.catalog.product.published.v1"
UPDATED = "agora.catalog.product.updated.v1"
ANNOUNCED = "agora.catalog.product.announced.v1"


async def test_a_vendor_creates_a_draft_only_it_can_see(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    response = await shop.client.post(
        "/api/v1/products",
        json={
            "title": "Canvas Sneakers",
            "description": "Low tops",
            "category_id": shoes["id"],
            "attributes": {"material": "canvas"},
            "images": [{"url": "https://img.example.com/sneakers.jpg", "alt": "side view"}],
        },
        headers=store.owner.headers,
    )
    assert response.status_code == 201, response.text
    draft = response.json()
    assert (draft["status"], draft["vendor_id"]) == ("draft", store.id)
    assert draft["images"] == [{"url": "https://img.example.com/sneakers.jpg", "alt": "side view"}]
    assert draft["variants"] == []
    assert draft["price_from"] is None

    url = f"/api/v1/products/{draft['id']}"
    assert (await shop.client.get(url)).status_code == 404
    assert (await shop.client.get(url, headers=shop.user().headers)).status_code == 404
    assert (await shop.client.get(url, headers=store.owner.headers)).status_code == 200
    assert (await shop.client.get(url, headers=shop.admin.headers)).status_code == 200
    assert (await shop.ok(shop.client.get("/api/v1/products")))["items"] == []
    assert await outbox_events(app, PUBLISHED) == []


async def test_only_approved_vendors_create_products(shop: Shop) -> None:
    shoes = await shop.category("Shoes")
    body = {"title": "Boots", "category_id": shoes["id"]}
    nobody = await shop.client.post("/api/v1/products", json=body, headers=shop.user().headers)
    assert nobody.status_code == 403
    assert nobody.json()["type"] == "https://agora.dev/problems/vendor-not-approved"
    pending = await shop.store(approved=False)
    response = await shop.client.post("/api/v1/products", json=body, headers=pending.owner.headers)
    assert response.status_code == 403

    store = await shop.store()
    unknown = await shop.client.post(
        "/api/v1/products",
        json={"title": "Boots", "category_id": str(uuid.uuid4())},
        headers=store.owner.headers,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["name"] == "body.category_id"


async def test_variants_have_unique_skus_one_currency_and_stock(shop: Shop) -> None:
    store, other = await shop.store(), await shop.store()
    shoes = await shop.category("Shoes")
    product = await shop.product(
        store,
        shoes,
        "Runner",
        variants=[{"sku": "RUN-42", "amount": 8900, "stock": 7}],
        publish=False,
    )
    [variant] = product["variants"]
    assert variant["sku"] == "RUN-42"
    assert variant["price"] == {"amount": 8900, "currency": "USD"}
    assert (variant["available"], variant["on_hand"], variant["reserved"]) == (7, 7, 0)

    theirs = await shop.product(other, shoes, "Copy", variants=[], publish=False)
    taken = await shop.client.post(
        f"/api/v1/products/{theirs['id']}/variants",
        json={"sku": "RUN-42", "price": {"amount": 1, "currency": "USD"}},
        headers=other.owner.headers,
    )
    assert taken.status_code == 409
    assert taken.json()["type"] == "https://agora.dev/problems/sku-taken"

    euros = await shop.client.post(
        f"/api/v1/products/{product['id']}/variants",
        json={"sku": "RUN-43", "price": {"amount": 8900, "currency": "EUR"}},
        headers=store.owner.headers,
    )
    assert euros.status_code == 422
    assert euros.json()["errors"][0]["name"] == "body.price.currency"

    bad = await shop.client.post(
        f"/api/v1/products/{product['id']}/variants",
        json={"sku": "no spaces", "price": {"amount": -1, "currency": "usd"}, "stock": -2},
        headers=store.owner.headers,
    )
    assert bad.status_code == 422
    assert {e["name"] for e in bad.json()["errors"]} == {
        "body.sku",
        "body.price.amount",
        "body.price.currency",
        "body.stock",
    }


async def test_publishing_needs_a_variant_and_announces_a_snapshot(
    shop: Shop, app: FastAPI
) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    product = await shop.product(store, shoes, "Trail Shoe", variants=[], publish=False)
    url = f"/api/v1/products/{product['id']}"
    empty = await shop.client.post(f"{url}/publish", headers=store.owner.headers)
    assert empty.status_code == 409
    assert empty.json()["type"] == "https://agora.dev/problems/product-has-no-variants"

    await shop.ok(
        shop.client.post(
            f"{url}/variants",
            json={
                "sku": "TRAIL-1",
                "price": {"amount": 12000, "currency": "USD"},
                "attributes": {"size": "42"},
                "stock": 3,
            },
            headers=store.owner.headers,
        ),
        201,
    )
    published = await shop.ok(shop.client.post(f"{url}/publish", headers=store.owner.headers))
    assert published["status"] == "published"
    assert published["published_at"]
    [event] = await outbox_events(app, PUBLISHED)
    assert event["subject"] == product["id"]
    assert event["data"]["vendor_id"] == store.id
    assert event["data"]["variants"] == [
        {
            "sku": "TRAIL-1",
            "price": {"amount": 12000, "currency": "USD"},
            "attributes": {"size": "42"},
            "available": 3,
        }
    ]

    public = await shop.ok(shop.client.get(url))
    assert public["variants"][0]["available"] == 3
    assert public["variants"][0]["on_hand"] is None, "stock counts are the owner's business"
    assert public["price_from"] == {"amount": 12000, "currency": "USD"}
    # Publishing again changes nothing.
    await shop.ok(shop.client.post(f"{url}/publish", headers=store.owner.headers))
    assert len(await outbox_events(app, PUBLISHED)) == 1


async def test_someone_elses_product_is_403_and_an_admin_may_change_it(shop: Shop) -> None:
    store, rival = await shop.store(), await shop.store()
    shoes = await shop.category("Shoes")
    product = await shop.product(store, shoes, "Mine")
    url = f"/api/v1/products/{product['id']}"
    sku = product["variants"][0]["sku"]
    attempts = [
        shop.client.patch(url, json={"title": "Theirs"}, headers=rival.owner.headers),
        shop.client.delete(url, headers=rival.owner.headers),
        shop.client.post(f"{url}/unpublish", headers=rival.owner.headers),
        shop.client.post(
            f"{url}/variants",
            json={"sku": "X-1", "price": {"amount": 1, "currency": "USD"}},
            headers=rival.owner.headers,
        ),
        shop.client.patch(
            f"{url}/variants/{sku}",
            json={"price": {"amount": 1, "currency": "USD"}},
            headers=rival.owner.headers,
        ),
        shop.client.put(
            f"/api/v1/inventory/{sku}", json={"on_hand": 0}, headers=rival.owner.headers
        ),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code == 403, response.text
        assert response.json()["type"] == "https://agora.dev/problems/not-your-product"

    renamed = await shop.ok(
        shop.client.patch(url, json={"title": "Renamed by admin"}, headers=shop.admin.headers)
    )
    assert renamed["title"] == "Renamed by admin"


async def test_changes_to_a_published_product_are_announced(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    boots = await shop.category("Boots")
    draft = await shop.product(store, shoes, "Draft", publish=False)
    await shop.ok(
        shop.client.patch(
            f"/api/v1/products/{draft['id']}",
            json={"title": "Still a draft"},
            headers=store.owner.headers,
        )
    )
    assert await outbox_events(app, UPDATED) == []

    product = await shop.product(store, shoes, "Hiker", variants=[{"sku": "HIKE-1", "amount": 100}])
    url = f"/api/v1/products/{product['id']}"
    changed = await shop.ok(
        shop.client.patch(
            url,
            json={"title": "Hiker II", "category_id": boots["id"], "description": None},
            headers=store.owner.headers,
        )
    )
    assert (changed["title"], changed["category_id"]) == ("Hiker II", boots["id"])
    await shop.ok(
        shop.client.patch(
            f"{url}/variants/HIKE-1",
            json={"price": {"amount": 150, "currency": "USD"}},
            headers=store.owner.headers,
        )
    )
    updates = await outbox_events(app, UPDATED)
    assert [u["data"]["title"] for u in updates] == ["Hiker II", "Hiker II"]
    assert updates[-1]["data"]["variants"][0]["price"] == {"amount": 150, "currency": "USD"}

    last = await shop.client.delete(f"{url}/variants/HIKE-1", headers=store.owner.headers)
    assert last.status_code == 409


async def test_unpublish_and_delete(shop: Shop, app: FastAPI) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    product = await shop.product(store, shoes, "Sandal", variants=[{"sku": "SANDAL-1"}])
    url = f"/api/v1/products/{product['id']}"

    hidden = await shop.ok(shop.client.post(f"{url}/unpublish", headers=store.owner.headers))
    assert hidden["status"] == "unpublished"
    assert (await shop.client.get(url)).status_code == 404
    [withdrawn] = await outbox_events(app, "agora.catalog.product.unpublished.v1")
    assert withdrawn["data"]["skus"] == ["SANDAL-1"]

    assert (await shop.client.delete(url, headers=store.owner.headers)).status_code == 204
    assert (await shop.client.get(url, headers=store.owner.headers)).status_code == 404
    assert (await shop.client.delete(url, headers=store.owner.headers)).status_code == 404
    [deleted] = await outbox_events(app, "agora.catalog.product.deleted.v1")
    assert deleted["data"]["product_id"] == product["id"]
    again = await shop.product(store, shoes, "New sandal", variants=[], publish=False)
    reused = await shop.client.post(
        f"/api/v1/products/{again['id']}/variants",
        json={"sku": "SANDAL-1", "price": {"amount": 1, "currency": "USD"}},
        headers=store.owner.headers,
    )
    assert reused.status_code == 409, "a deleted product's SKUs stay taken"


async def test_browse_lists_products_for_sale_newest_first_with_filters(shop: Shop) -> None:
    store, other = await shop.store(), await shop.store()
    clothing = await shop.category("Clothing")
    shoes = await shop.category("Shoes", clothing)
    hats = await shop.category("Hats", clothing)
    first = await shop.product(store, shoes, "First", variants=[{"amount": 500}, {"amount": 300}])
    second = await shop.product(other, hats, "Second")
    third = await shop.product(store, clothing, "Third")
    await shop.product(store, shoes, "Hidden", publish=False)

    page = await shop.ok(shop.client.get("/api/v1/products", params={"limit": 2}))
    assert [p["title"] for p in page["items"]] == ["Third", "Second"]
    rest = await shop.ok(
        shop.client.get("/api/v1/products", params={"limit": 2, "cursor": page["next_cursor"]})
    )
    assert [p["title"] for p in rest["items"]] == ["First"]
    assert rest["next_cursor"] is None
    assert rest["items"][0]["price_from"] == {"amount": 300, "currency": "USD"}

    async def titles(**params: str) -> list[str]:
        body = await shop.ok(shop.client.get("/api/v1/products", params=params))
        return [p["title"] for p in body["items"]]

    assert await titles(category=clothing["id"]) == ["Third", "Second", "First"]
    assert await titles(category=shoes["id"]) == ["First"]
    assert await titles(vendor=other.id) == ["Second"]
    assert await titles(vendor=store.id, category=hats["id"]) == []
    assert {first["id"], second["id"], third["id"]}

    mine = await shop.ok(
        shop.client.get("/api/v1/vendors/me/products?status=draft", headers=store.owner.headers)
    )
    assert [p["title"] for p in mine["items"]] == ["Hidden"]
    bad = await shop.client.get("/api/v1/products", params={"cursor": "garbage"})
    assert bad.status_code == 422


async def test_a_suspended_vendors_products_disappear_from_browse(shop: Shop) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    product = await shop.product(store, shoes, "Clog")
    url = f"/api/v1/products/{product['id']}"
    await shop.ok(
        shop.client.patch(
            f"/api/v1/admin/vendors/{store.id}",
            json={"status": "suspended"},
            headers=shop.admin.headers,
        )
    )
    assert (await shop.ok(shop.client.get("/api/v1/products")))["items"] == []
    assert (await shop.client.get(url)).status_code == 404
    assert (await shop.client.get(f"/api/v1/vendors/{store.id}")).status_code == 404
    # The owner still sees it, but may not change it while suspended.
    assert (await shop.client.get(url, headers=store.owner.headers)).status_code == 200
    blocked = await shop.client.patch(url, json={"title": "x"}, headers=store.owner.headers)
    assert blocked.status_code == 403
    assert blocked.json()["type"] == "https://agora.dev/problems/vendor-not-approved"

    await shop.ok(
        shop.client.patch(
            f"/api/v1/admin/vendors/{store.id}",
            json={"status": "approved"},
            headers=shop.admin.headers,
        )
    )
    assert [p["id"] for p in (await shop.ok(shop.client.get("/api/v1/products")))["items"]] == [
        product["id"]
    ]


async def test_api_keys_act_for_their_owner_within_their_scopes(shop: Shop) -> None:
    store = await shop.store()
    shoes = await shop.category("Shoes")
    body = {"title": "Made by a key", "category_id": shoes["id"]}

    def key(scope: str) -> dict[str, str]:
        token = shop.keys.token(store.owner.id, scope=scope)
        return {"Authorization": f"Bearer {token}"}

    created = await shop.client.post(
        "/api/v1/products", json=body, headers=key(SCOPE_INVENTORY_WRITE)
    )
    assert created.status_code == 201
    assert created.json()["vendor_id"] == store.id
    read_only = await shop.client.post(
        "/api/v1/products", json=body, headers=key(SCOPE_CATALOG_READ)
    )
    assert read_only.status_code == 403
    assert (
        await shop.client.get("/api/v1/products", headers=key(SCOPE_CATALOG_READ))
    ).status_code == 200
    assert (
        await shop.client.get("/api/v1/products", headers=key(SCOPE_ORDERS_READ))
    ).status_code == 403


async def test_announce_sends_every_product_for_sale_again(shop: Shop, app: FastAPI) -> None:
    # `agora catalog announce`: services that started keeping products after these
    # were published learn of them; drafts are not for sale and stay unannounced.
    store = await shop.store()
    shoes = await shop.category("Shoes")
    boots = await shop.product(store, shoes, "Boots", variants=[{"sku": "BOOT-1"}])
    sandals = await shop.product(store, shoes, "Sandals", variants=[{"sku": "SANDAL-1"}])
    await shop.product(store, shoes, "Draft", variants=[{"sku": "DRAFT-1"}], publish=False)
    context = app.state.context
    # Batches of one: the walk by id visits each product once.
    assert await announce_for_sale(context.database, context.outbox, batch=1) == 2
    events = await outbox_events(app, ANNOUNCED)
    assert sorted(event["subject"] for event in events) == sorted([boots["id"], sandals["id"]])
    by_product = {event["subject"]: event["data"] for event in events}
    assert by_product[boots["id"]]["title"] == "Boots"
    assert [v["sku"] for v in by_product[boots["id"]]["variants"]] == ["BOOT-1"]


async def test_announce_leaves_out_a_product_withdrawn_after_the_walk_read_it(
    shop: Shop, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The walk read both ids while both were for sale; one was unpublished before its
    # batch locked them: it is not announced after its withdrawal.
    store = await shop.store()
    shoes = await shop.category("Shoes")
    kept = await shop.product(store, shoes, "Boots", variants=[{"sku": "BOOT-1"}])
    gone = await shop.product(store, shoes, "Clogs", variants=[{"sku": "CLOG-1"}])
    await shop.ok(
        shop.client.post(f"/api/v1/products/{gone['id']}/unpublish", headers=store.owner.headers)
    )
    walked = [sorted([uuid.UUID(kept["id"]), uuid.UUID(gone["id"])]), []]

    async def read_before_the_withdrawal(*_: object) -> list[uuid.UUID]:
        return walked.pop(0)

    monkeypatch.setattr(index_queries, "searchable_ids_after", read_before_the_withdrawal)
    context = app.state.context
    assert await announce_for_sale(context.database, context.outbox) == 1
    assert [event["subject"] for event in await outbox_events(app, ANNOUNCED)] == [kept["id"]]
