"""The Elasticsearch index's lifecycle behind its alias: the first index, bulk writes,
a rebuild into a fresh index that the alias moves to in one atomic ``_aliases`` call
(a search never sees a half-built index), and dropping them all."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterable, Sequence
from datetime import UTC, datetime
from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError, NotFoundError

from agora_catalog.adapters.search.base import Progress, SearchDocument
from agora_catalog.adapters.search.elasticsearch_index import (
    EMBEDDING,
    MAPPINGS,
    index_operations,
)

logger = logging.getLogger("agora.catalog.search")


async def create_first_index(
    client: AsyncElasticsearch, alias: str, settings: dict[str, Any]
) -> None:
    """Create the first index behind ``alias``, unless the alias exists; then give an
    index made before search by meaning its ``embedding`` field (adding a field is a
    mapping change Elasticsearch makes in place). Its documents hold no vectors until
    their products change or ``agora catalog reindex`` rebuilds it: said in a warning."""
    if await client.indices.exists_alias(name=alias):
        mappings = await client.indices.get_mapping(index=alias)
        if any("embedding" not in m["mappings"]["properties"] for m in mappings.values()):
            await client.indices.put_mapping(index=alias, properties={"embedding": EMBEDDING})
            logger.warning(
                "the search index %s was made before search by meaning: its documents hold "
                "no vectors, so vector and hybrid searches miss them until `agora catalog "
                "reindex` rebuilds it (run it once every catalog replica runs this version)",
                alias,
            )
        return
    # A fixed first name: replicas starting together create it once.
    first = f"{alias}-initial"
    try:
        await client.indices.create(
            index=first, settings=settings, mappings=MAPPINGS, aliases={alias: {}}
        )
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise


async def bulk(
    client: AsyncElasticsearch,
    operations: list[dict[str, Any]],
    *,
    index: str,
    refresh: str | bool,
) -> None:
    """Send ``operations``; raise unless each one succeeded (deleting a document that
    is not there counts as success)."""
    if not operations:
        return
    response = await client.bulk(operations=operations, index=index, refresh=refresh)
    if response["errors"]:
        failures = [
            item
            for entry in response["items"]
            for action, item in entry.items()
            if item.get("error") and not (action == "delete" and item.get("status") == 404)
        ]
        if failures:
            raise RuntimeError(f"Elasticsearch refused {len(failures)} write(s): {failures[:3]}")


def _new_index_name(alias: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    return f"{alias}-{stamp}-{uuid.uuid4().hex[:6]}"


async def indices_behind_alias(client: AsyncElasticsearch, alias: str) -> list[str]:
    try:
        return sorted(await client.indices.get_alias(name=alias))
    except NotFoundError:
        return []


async def rebuild(
    client: AsyncElasticsearch,
    alias: str,
    settings: dict[str, Any],
    batches: AsyncIterable[Sequence[SearchDocument]],
    progress: Progress | None = None,
) -> int:
    """Fill a new index with ``batches``, move ``alias`` to it, delete the indices it
    leaves; on failure the new index goes and the old one serves on. Returns how many
    documents the new index holds."""
    new = _new_index_name(alias)
    await client.indices.create(
        index=new, settings={**settings, "refresh_interval": "-1"}, mappings=MAPPINGS
    )
    total = 0
    try:
        async for batch in batches:
            await bulk(client, index_operations(batch), index=new, refresh=False)
            total += len(batch)
            if progress is not None:
                progress(len(batch))
        await client.indices.put_settings(
            index=new, settings={"index": {"refresh_interval": settings.get("refresh_interval")}}
        )
        await client.indices.refresh(index=new)
        old = await indices_behind_alias(client, alias)
        # One call: searches see the old index or the new one, never neither.
        await client.indices.update_aliases(
            actions=[
                *({"remove": {"index": name, "alias": alias}} for name in old),
                {"add": {"index": new, "alias": alias}},
            ]
        )
    except BaseException:
        await client.indices.delete(index=new, ignore_unavailable=True)
        raise
    for name in old:
        await client.indices.delete(index=name, ignore_unavailable=True)
    return total


async def drop(client: AsyncElasticsearch, alias: str) -> None:
    """Delete the indices behind ``alias`` and any other named after it (a rebuild's
    leftovers)."""
    names = set(await indices_behind_alias(client, alias))
    with contextlib.suppress(NotFoundError):
        names.update(await client.indices.get(index=f"{alias}-*"))
    for name in sorted(names):
        await client.indices.delete(index=name, ignore_unavailable=True)
