"""The Elasticsearch backend passes the same search contract, on a real Elasticsearch 8
(provisioned by agora_tools), each test behind an alias of its own."""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from agora_catalog.adapters.search.base import SearchBackend, SearchQuery
from agora_catalog.adapters.search.elasticsearch import ElasticsearchSearch
from agora_catalog.adapters.search.elasticsearch_index import MAPPINGS, SETTINGS
from agora_catalog.models import EMBEDDING_DIMENSIONS
from agora_catalog_testing.search_contract import CATALOG, SearchContract
from agora_kit.errors import Unprocessable

pytestmark = pytest.mark.integration


@pytest.fixture
async def elasticsearch(elasticsearch_server: Any) -> AsyncIterator[ElasticsearchSearch]:
    backend = ElasticsearchSearch(
        elasticsearch_server.url,
        index=f"agora-test-{uuid.uuid4().hex[:10]}",
        refresh_interval="50ms",
    )
    await backend.start()
    yield backend
    await backend.drop()
    await backend.close()


class TestElasticsearchSearch(SearchContract):
    @pytest.fixture
    async def backend(self, elasticsearch: ElasticsearchSearch) -> SearchBackend:
        return elasticsearch


async def test_the_index_has_an_explicit_mapping_behind_an_alias(
    elasticsearch: ElasticsearchSearch,
) -> None:
    client = elasticsearch.client
    [index] = await client.indices.get_alias(name=elasticsearch.alias)
    mapping = (await client.indices.get_mapping(index=index))[index]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["title_stems"]["analyzer"] == "stems"
    settings = (await client.indices.get_settings(index=index))[index]["settings"]["index"]
    assert settings["number_of_shards"] == "1"
    assert {"stems", "plain"} <= set(settings["analysis"]["analyzer"])


async def test_a_rebuild_swaps_the_alias_to_a_new_index_and_drops_the_old(
    elasticsearch: ElasticsearchSearch,
) -> None:
    client = elasticsearch.client
    await elasticsearch.upsert(CATALOG)
    [before] = await client.indices.get_alias(name=elasticsearch.alias)

    async def batches() -> AsyncIterator[list[Any]]:
        yield list(CATALOG[:3])

    assert await elasticsearch.rebuild(batches()) == 3
    [after] = await client.indices.get_alias(name=elasticsearch.alias)
    assert after != before
    assert not await client.indices.exists(index=before)
    assert await elasticsearch.count() == 3
    # Writes go on through the alias, to the new index.
    await elasticsearch.upsert(CATALOG[3:4])
    assert await elasticsearch.count() == 4


async def test_a_failed_rebuild_leaves_the_old_index_serving(
    elasticsearch: ElasticsearchSearch,
) -> None:
    await elasticsearch.upsert(CATALOG)
    [before] = await elasticsearch.client.indices.get_alias(name=elasticsearch.alias)

    async def broken() -> AsyncIterator[list[Any]]:
        yield list(CATALOG[:2])
        raise RuntimeError("the catalog database went away")

    with pytest.raises(RuntimeError):
        await elasticsearch.rebuild(broken())
    assert list(await elasticsearch.client.indices.get_alias(name=elasticsearch.alias)) == [before]
    assert await elasticsearch.count() == len(CATALOG)


def unit(**axes: float) -> tuple[float, ...]:
    """A unit vector along the named axes (``a``, ``b``, ``c``: the first three)."""
    vector = [0.0] * EMBEDDING_DIMENSIONS
    for name, value in axes.items():
        vector["abc".index(name)] = value
    norm = math.sqrt(sum(v * v for v in vector))
    return tuple(v / norm for v in vector)


async def test_search_by_meaning_ranks_the_documents_vectors(
    elasticsearch: ElasticsearchSearch,
) -> None:
    # Headphones along a, the studio pair between a and b, the speaker near b, the
    # keyboard along c; the shoes have no vector yet.
    headphones, studio, speaker, keyboard, shoes = CATALOG[:5]
    await elasticsearch.upsert(
        [
            replace(headphones, embedding=unit(a=1)),
            replace(studio, embedding=unit(a=1, b=1)),
            replace(speaker, embedding=unit(a=0.2, b=1)),
            replace(keyboard, embedding=unit(c=1)),
            shoes,
        ]
    )
    near_a = SearchQuery(text="anything", mode="vector", vector=unit(a=1), limit=2)
    first = await elasticsearch.search(near_a)
    assert [h.product_id for h in first.hits] == [headphones.product_id, studio.product_id]
    # The cosine, as the PostgreSQL backend scores it.
    assert [round(h.score or 0, 3) for h in first.hits] == [1.0, 0.707]
    assert first.total == 4, "every document with a vector, the shoes' none"
    rest = await elasticsearch.search(replace(near_a, cursor=first.next_cursor))
    assert [h.product_id for h in rest.hits] == [speaker.product_id, keyboard.product_id]
    assert rest.next_cursor is None
    with pytest.raises(Unprocessable):  # a cursor of another mode
        await elasticsearch.search(replace(near_a, mode="hybrid", cursor=first.next_cursor))

    # Filters hold: the headphones cost more than 15,000.
    cheaper = await elasticsearch.search(replace(near_a, max_price=15_000, limit=10))
    assert [h.product_id for h in cheaper.hits][:1] == [studio.product_id]
    assert headphones.product_id not in {h.product_id for h in cheaper.hits}
    assert sum(f.count for f in cheaper.facets["vendor"]) == cheaper.total == 3

    # Hybrid: the words find the shoes (no vector), the vector the rest; a product high
    # in both lists leads.
    hybrid = await elasticsearch.search(
        SearchQuery(text="running shoes", mode="hybrid", vector=unit(b=1), limit=10)
    )
    found = [h.product_id for h in hybrid.hits]
    assert set(found[:2]) == {speaker.product_id, shoes.product_id}
    assert found[2] == studio.product_id
    assert set(found) == {p.product_id for p in CATALOG[:5]}
    assert hybrid.total == 5


async def test_an_index_from_before_search_by_meaning_gets_its_vector_field(
    elasticsearch_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    alias = f"agora-test-{uuid.uuid4().hex[:10]}"
    backend = ElasticsearchSearch(elasticsearch_server.url, index=alias, refresh_interval="50ms")
    older = {
        "dynamic": "strict",
        "properties": {k: v for k, v in MAPPINGS["properties"].items() if k != "embedding"},
    }
    await backend.client.indices.create(
        index=f"{alias}-old", settings=SETTINGS, mappings=older, aliases={alias: {}}
    )
    try:
        await backend.start()
        # Its documents have no vectors: the operator is told to rebuild it.
        assert "agora catalog reindex" in caplog.text
        mapping = await backend.client.indices.get_mapping(index=alias)
        assert mapping[f"{alias}-old"]["mappings"]["properties"]["embedding"]["type"] == (
            "dense_vector"
        )
        await backend.upsert([replace(CATALOG[0], embedding=unit(a=1))])
        near = SearchQuery(text="x", mode="vector", vector=unit(a=1))
        assert [h.product_id for h in (await backend.search(near)).hits] == [CATALOG[0].product_id]
    finally:
        await backend.drop()
        await backend.close()
