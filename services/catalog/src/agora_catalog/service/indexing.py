"""Keeps the search index in step with the catalog, fed by the catalog's own events.

On each event the indexer reads the affected products' current state from the
catalog's tables and writes their documents (or removes them): the index converges
on the truth whatever the order or number of deliveries. Refreshes of one product
serialise on an advisory lock held by the handling transaction, so a slower refresh
that read older state can never overwrite a newer one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.adapters.search.base import Progress, SearchBackend
from agora_catalog.repository import search_documents as queries
from agora_catalog.repository.categories import load_tree
from agora_catalog.service.search_documents import all_documents, load_documents
from agora_kit.db import Database

logger = logging.getLogger("agora.catalog.indexer")

REFRESH_CHUNK = 500
# Changes committed while a rebuild read the catalog are refreshed again after it;
# the margin covers transactions that started before the rebuild and committed during it.
CATCH_UP_MARGIN = timedelta(minutes=1)


class Indexer:
    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend

    async def refresh(
        self, session: AsyncSession, product_ids: Sequence[uuid.UUID], *, wait: bool = True
    ) -> None:
        """Write those products' documents (remove those not for sale); with ``wait``,
        searchable when this returns."""
        ids = sorted(set(product_ids))
        for start in range(0, len(ids), REFRESH_CHUNK):
            chunk = ids[start : start + REFRESH_CHUNK]
            # Held until the handling transaction ends, after the backend write: a second
            # refresh of the product waits, then reads what the first one could not see.
            await queries.lock_products(session, chunk)
            documents, gone = await load_documents(
                session, chunk, vectors=self.backend.vectors_in_documents
            )
            await self.backend.upsert(documents, wait=wait)
            await self.backend.delete(gone)

    async def refresh_vendor(self, session: AsyncSession, vendor_id: uuid.UUID) -> None:
        await self.refresh(session, await queries.vendor_product_ids(session, vendor_id))

    async def refresh_category(self, session: AsyncSession, category_id: uuid.UUID) -> None:
        tree = await load_tree(session)
        ids = await queries.category_product_ids(session, tree.subtree_ids(category_id))
        await self.refresh(session, ids)

    async def rebuild(self, database: Database, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the catalog, then catch up with what changed
        while it ran."""
        started = datetime.now(UTC)
        documents = all_documents(database, vectors=self.backend.vectors_in_documents)
        count = await self.backend.rebuild(documents, progress)
        since = started - CATCH_UP_MARGIN
        async with database.transaction() as session:
            await self.refresh(session, await queries.changed_since(session, since))
        logger.info("search index rebuilt with %d documents", count)
        return count
