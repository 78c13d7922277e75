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

from sqlalchemy import or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.adapters.search.base import Progress, SearchBackend
from agora_catalog.adapters.search.documents import all_documents, load_documents
from agora_catalog.models import Product, Vendor
from agora_catalog.repository.categories import load_tree
from agora_kit.db import Database

logger = logging.getLogger("agora.catalog.indexer")

REFRESH_CHUNK = 500
# Changes committed while a rebuild read the catalog are refreshed again after it;
# the margin covers transactions that started before the rebuild and committed during it.
CATCH_UP_MARGIN = timedelta(minutes=1)


class Indexer:
    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend

    async def refresh(self, session: AsyncSession, product_ids: Sequence[uuid.UUID]) -> None:
        ids = sorted(set(product_ids))
        for start in range(0, len(ids), REFRESH_CHUNK):
            chunk = ids[start : start + REFRESH_CHUNK]
            await self._lock(session, chunk)
            documents, gone = await load_documents(session, chunk)
            await self.backend.upsert(documents)
            await self.backend.delete(gone)

    @staticmethod
    async def _lock(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
        # Held until the handling transaction ends, after the backend write: a second
        # refresh of the product waits, then reads what the first one could not see.
        await session.execute(
            text(
                "SELECT pg_advisory_xact_lock(k) FROM ("
                " SELECT DISTINCT hashtextextended(id::text, 7) AS k"
                " FROM unnest(CAST(:ids AS uuid[])) AS id ORDER BY k) AS keys"
            ),
            {"ids": list(ids)},
        )

    async def refresh_vendor(self, session: AsyncSession, vendor_id: uuid.UUID) -> None:
        ids = await session.scalars(
            select(Product.id).where(Product.vendor_id == vendor_id, Product.deleted_at.is_(None))
        )
        await self.refresh(session, list(ids))

    async def refresh_category(self, session: AsyncSession, category_id: uuid.UUID) -> None:
        tree = await load_tree(session)
        categories = tree.subtree_ids(category_id)
        ids = await session.scalars(
            select(Product.id).where(
                Product.category_id.in_(categories), Product.deleted_at.is_(None)
            )
        )
        await self.refresh(session, list(ids))

    async def rebuild(self, database: Database, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the catalog, then catch up with what changed
        while it ran."""
        started = datetime.now(UTC)
        count = await self.backend.rebuild(all_documents(database), progress)
        since = started - CATCH_UP_MARGIN
        async with database.transaction() as session:
            changed = await session.scalars(
                select(Product.id)
                .join(Vendor, Vendor.id == Product.vendor_id)
                .where(or_(Product.updated_at >= since, Vendor.updated_at >= since))
            )
            await self.refresh(session, list(changed))
        logger.info("search index rebuilt with %d documents", count)
        return count
