"""The search backend the settings choose."""

from __future__ import annotations

from agora_catalog.adapters.search.base import SearchBackend
from agora_catalog.settings import Settings
from agora_kit.db import DatabaseTimeouts


def build_search_backend(settings: Settings) -> SearchBackend:
    if settings.search_backend == "elasticsearch":
        from agora_catalog.adapters.search.elasticsearch import ElasticsearchSearch

        return ElasticsearchSearch(settings.elasticsearch_url, index=settings.elasticsearch_index)
    from agora_catalog.adapters.search.postgres import PostgresSearch

    return PostgresSearch(settings.database_url, timeouts=DatabaseTimeouts.of(settings))
