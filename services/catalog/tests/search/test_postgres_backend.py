"""The PostgreSQL search backend passes the search contract, on the real migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agora_catalog.adapters.search.base import SearchBackend
from agora_catalog.adapters.search.postgres import PostgresSearch
from agora_catalog_testing.search_contract import SearchContract


class TestPostgresSearch(SearchContract):
    @pytest.fixture
    async def backend(self, catalog_url: str) -> AsyncIterator[SearchBackend]:
        backend = PostgresSearch(catalog_url)
        await backend.start()
        yield backend
        await backend.close()
