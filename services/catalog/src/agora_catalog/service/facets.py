"""Names for the facets of a search's answer: the index holds category and store ids,
a reader wants their names."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.adapters.search.base import SearchResult
from agora_catalog.repository.categories import category_names
from agora_catalog.repository.vendors import vendor_names


async def facet_labels(session: AsyncSession, result: SearchResult) -> dict[str, dict[str, str]]:
    """Per facet (``category``, ``vendor``), a name for each value (an id)."""
    category_ids = [uuid.UUID(f.value) for f in result.facets.get("category", [])]
    vendor_ids = [uuid.UUID(f.value) for f in result.facets.get("vendor", [])]
    labels: dict[str, dict[str, str]] = {"category": {}, "vendor": {}}
    if category_ids:
        names = await category_names(session, category_ids)
        labels["category"] = {str(i): n for i, n in names.items()}
    if vendor_ids:
        names = await vendor_names(session, vendor_ids)
        labels["vendor"] = {str(i): n for i, n in names.items()}
    return labels
