"""The Elasticsearch backend passes the same search contract, on a real Elasticsearch 8
(provisioned by agora_tools), each test behind an alias of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agora_catalog.adapters.search.base import SearchBackend
from agora_catalog.adapters.search.elasticsearch import ElasticsearchSearch
from agora_catalog_testing.search_contract import CATALOG, SearchContract

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
