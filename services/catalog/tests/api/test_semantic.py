"""Search by meaning: products get embeddings off the request path, similar products
are the nearest ones for sale, and /search ranks by words, by meaning or both (ADR
0123). The embeddings are real (all-MiniLM-L6-v2), so the assertions are about which
products a reader would expect, never about exact scores."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Text, cast, select, text

from agora_catalog.adapters.search.elasticsearch import ElasticsearchSearch
from agora_catalog.adapters.search.postgres import PostgresSearch
from agora_catalog.models import ProductEmbedding
from agora_catalog.repository.search_documents import changed_since
from agora_catalog.service.embeddings import embed_pending
from agora_catalog_testing.helpers import Shop, Store
from agora_kit.testing.waiting import eventually


async def search(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.get("/api/v1/search", params=params)


async def titles(client: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await search(client, **params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def embed_all(app: FastAPI) -> None:
    """What the embedding worker does, at once: the vectors, and the documents of a
    backend that keeps them."""
    context = app.state.context
    while await embed_pending(context.database, indexer=context.indexer):
        pass
    if isinstance(context.search, ElasticsearchSearch):
        # The worker does not wait for the index's refresh; a search right after does.
        await context.search.client.indices.refresh(index=context.search.alias)


async def vectors(app: FastAPI) -> dict[str, str]:
    """Each embedded product's vector (as text), by the product's id."""
    async with app.state.context.database.transaction() as session:
        rows = await session.execute(
            select(ProductEmbedding.product_id, cast(ProductEmbedding.embedding, Text))
        )
        return {str(pid): vector for pid, vector in rows.tuples()}


async def kitchen_and_garden(shop: Shop) -> tuple[Store, dict[str, dict[str, Any]]]:
    store = await shop.store("Home and Garden Co")
    kitchen = await shop.category("Kitchen")
    garden = await shop.category("Garden")
    made = {
        "Steel Vacuum Flask": await shop.product(
            store,
            kitchen,
            "Steel Vacuum Flask",
            description="Keeps coffee or tea hot for twelve hours, leak-proof lid.",
            variants=[{"amount": 2500}],
        ),
        "Insulated Travel Mug": await shop.product(
            store,
            kitchen,
            "Insulated Travel Mug",
            description="Double-walled mug that keeps your drink warm on the commute.",
            variants=[{"amount": 1800}],
        ),
        "Pruning Shears": await shop.product(
            store,
            garden,
            "Pruning Shears",
            description="Sharp bypass secateurs for cutting branches and roses.",
            variants=[{"amount": 2200}],
        ),
        "Garden Hose": await shop.product(
            store,
            garden,
            "Garden Hose",
            description="Fifteen metre expandable hose for watering plants and lawns.",
            variants=[{"amount": 3000}],
        ),
    }
    await shop.product(
        store, kitchen, "Draft Thermos", description="Keeps coffee hot", publish=False
    )

    async def indexed() -> bool:
        return len(await titles(shop.client, sort="newest")) == 4

    await eventually(indexed)
    return store, made


async def test_similar_products_are_the_nearest_for_sale(shop: Shop, app: FastAPI) -> None:
    store, made = await kitchen_and_garden(shop)
    flask = made["Steel Vacuum Flask"]
    url = f"/api/v1/products/{flask['id']}/similar"
    before = await shop.ok(shop.client.get(url))
    assert before == {"items": []}, "nothing until the embeddings are made"

    await embed_all(app)
    body = await shop.ok(shop.client.get(url, params={"limit": 2}))
    names = [item["title"] for item in body["items"]]
    assert names[0] == "Insulated Travel Mug", names
    assert "Steel Vacuum Flask" not in names
    assert "Draft Thermos" not in names
    assert len(names) == 2
    assert body["items"][0]["price_from"] == {"amount": 1800, "currency": "USD"}
    assert body["items"][0]["similarity"] > body["items"][1]["similarity"]

    # An edit makes the embedding stale; the worker makes it again from the new text.
    mug = made["Insulated Travel Mug"]
    await shop.ok(
        shop.client.patch(
            f"/api/v1/products/{mug['id']}",
            json={"title": "Rose Fertiliser", "description": "Feeds roses and shrubs."},
            headers=store.owner.headers,
        )
    )
    database = app.state.context.database
    assert await embed_pending(database) == 1, "the edited product, and no other"
    assert await embed_pending(database) == 0
    shears = made["Pruning Shears"]
    near_shears = await shop.ok(
        shop.client.get(f"/api/v1/products/{shears['id']}/similar", params={"limit": 1})
    )
    assert [i["title"] for i in near_shears["items"]] in (["Rose Fertiliser"], ["Garden Hose"])
    # The old vector (a travel mug) had the flask nearest; the new one, a garden thing.
    near_mug = await shop.ok(
        shop.client.get(f"/api/v1/products/{mug['id']}/similar", params={"limit": 1})
    )
    assert [i["title"] for i in near_mug["items"]] in (["Pruning Shears"], ["Garden Hose"])
    by_meaning = await titles(shop.client, q="plant food for roses", mode="vector", limit=1)
    assert by_meaning == ["Rose Fertiliser"]

    for bad in ({"limit": 0}, {"limit": 25}):
        response = await shop.client.get(url, params=bad)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
    missing = await shop.client.get(f"/api/v1/products/{uuid.uuid4()}/similar")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "search_backend",
    ["postgres", pytest.param("elasticsearch", marks=pytest.mark.integration)],
    indirect=True,
)
async def test_search_modes_rank_by_words_meaning_or_both(shop: Shop, app: FastAPI) -> None:
    # The same answers on both backends: pgvector beside the full-text index, or the
    # documents' dense vectors in Elasticsearch.
    await kitchen_and_garden(shop)
    await embed_all(app)
    # No product says "beverage" or "warm": words find nothing, meaning does.
    assert await titles(shop.client, q="keep a beverage warm") == []
    by_meaning = await titles(shop.client, q="keep a beverage warm", mode="vector", limit=2)
    assert set(by_meaning) == {"Steel Vacuum Flask", "Insulated Travel Mug"}
    hybrid = await titles(shop.client, q="hose for watering", mode="hybrid", limit=1)
    assert hybrid == ["Garden Hose"]

    # Filters and facets hold in every mode.
    response = await search(shop.client, q="cutting tool", mode="vector", max_price=2400)
    body = response.json()
    assert all(item["price"]["amount"] <= 2400 for item in body["items"])
    assert body["items"][0]["title"] == "Pruning Shears"
    assert body["total"] == len(body["items"]) == 2
    assert sum(f["count"] for f in body["facets"]["category"]) == 2

    # Pages of a vector search walk the fused list once.
    first = (await search(shop.client, q="garden", mode="hybrid", limit=3)).json()
    rest = (
        await search(shop.client, q="garden", mode="hybrid", limit=3, cursor=first["next_cursor"])
    ).json()
    walked = [i["title"] for i in first["items"] + rest["items"]]
    assert len(walked) == len(set(walked)) == 4
    other = await search(shop.client, q="garden", mode="vector", cursor=first["next_cursor"])
    assert other.status_code == 422

    bad = await search(shop.client, q="flask", mode="semantic")
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "mode" in bad.text


@pytest.mark.parametrize("embedding_worker", [True], indirect=True)
async def test_the_worker_embeds_when_the_catalogs_events_tell(shop: Shop, app: FastAPI) -> None:
    # Its poll is a day: only the wake-ups of the product and category events make it look.
    store, made = await kitchen_and_garden(shop)
    first = await eventually(lambda: vectors(app), lambda found: len(found) == 4, within=60)
    mug = made["Insulated Travel Mug"]
    await shop.ok(
        shop.client.patch(
            f"/api/v1/products/{mug['id']}",
            json={"title": "Rose Fertiliser"},
            headers=store.owner.headers,
        )
    )
    again = await eventually(
        lambda: vectors(app), lambda found: found[mug["id"]] != first[mug["id"]], within=30
    )
    assert {pid for pid in first if again[pid] != first[pid]} == {mug["id"]}


async def test_catalog_connections_start_with_the_vector_scan_settings(app: FastAPI) -> None:
    # Set when a connection opens (no round trip per search): pgvector, loaded by the
    # session's first vector, takes them up from PostgreSQL's placeholders.
    context = app.state.context
    assert isinstance(context.search, PostgresSearch)
    for database in (context.database, context.search.database):
        async with database.transaction() as session:
            assert await session.scalar(text("SELECT '[1,0]'::vector <=> '[0,1]'::vector")) == 1
            assert await session.scalar(text("SHOW hnsw.ef_search")) == "100"
            assert await session.scalar(text("SHOW hnsw.iterative_scan")) == "relaxed_order"


async def test_a_category_rename_embeds_its_products_again(shop: Shop, app: FastAPI) -> None:
    # The category's name is part of a product's text: renaming it makes the vectors
    # of its products (and of no other) stale, and the worker makes them again.
    _, made = await kitchen_and_garden(shop)
    await embed_all(app)
    before = await vectors(app)
    assert len(before) == 4
    hose = made["Garden Hose"]
    await shop.ok(
        shop.client.patch(
            f"/api/v1/categories/{hose['category_id']}",
            json={"name": "Outdoor Living"},
            headers=shop.admin.headers,
        )
    )
    database = app.state.context.database
    assert await embed_pending(database) == 2
    assert await embed_pending(database) == 0
    after = await vectors(app)
    changed = {pid for pid, vector in after.items() if before[pid] != vector}
    assert changed == {made["Garden Hose"]["id"], made["Pruning Shears"]["id"]}


async def test_a_rebuild_catches_up_with_vectors_made_while_it_ran(
    shop: Shop, app: FastAPI
) -> None:
    # A rebuild refreshes, after the alias moves, what changed while it read the
    # catalog: a vector made meanwhile is such a change (a document may hold it), though
    # neither the product, its store nor its category changed.
    _, made = await kitchen_and_garden(shop)
    database = app.state.context.database
    async with database.transaction() as session:
        for table in ("products", "vendors", "categories"):
            await session.execute(text(f"UPDATE {table} SET updated_at = now() - interval '1h'"))
        since = await session.scalar(text("SELECT now() - interval '1 minute'"))
        assert await changed_since(session, since) == []
    await embed_all(app)
    async with database.transaction() as session:
        changed = {str(pid) for pid in await changed_since(session, since)}
    assert changed == {product["id"] for product in made.values()}
