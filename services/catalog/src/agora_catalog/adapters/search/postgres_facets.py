"""The facets of a PostgreSQL search: the total and every facet (category, vendor,
attribute, price bucket) in one statement over one scan of the matches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Text, and_, cast, func, literal_column, select, true
from sqlalchemy.sql.elements import ColumnElement

from agora_catalog.adapters.search.base import (
    ATTRIBUTE_FACET_SIZE,
    FACET_SIZE,
    PRICE_BUCKETS,
    SearchFacets,
    facet_values,
    price_facet,
)
from agora_catalog.models import SearchDocument as IndexRow


def facet_counts(where: ColumnElement[bool]) -> Select[Any]:
    """The total and every facet in one round trip, over one scan of the matches: one
    row of (total, category, vendor, attributes, then one count per price bucket)."""
    matches = (
        select(IndexRow.category_id, IndexRow.vendor_id, IndexRow.price_min, IndexRow.attributes)
        .where(where)
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )

    def top(column: Any, size: int, source: Any = matches) -> Any:
        grouped = (
            select(cast(column, Text).label("value"), func.count().label("count"))
            .select_from(source)
            .group_by(column)
            .order_by(func.count().desc(), cast(column, Text))
            .limit(size)
            .subquery()
        )
        return (
            select(
                func.coalesce(
                    func.json_agg(func.json_build_array(grouped.c.value, grouped.c.count)),
                    literal_column("'[]'::json"),
                )
            )
            .select_from(grouped)
            .scalar_subquery()
        )

    # A function in FROM sees the items before it (implicitly LATERAL).
    attributes = func.unnest(matches.c.attributes).table_valued("term").render_derived(name="attr")
    attribute = attributes.c.term
    bucket_columns = [
        func.count()
        .filter(
            and_(
                matches.c.price_min >= low,
                *([matches.c.price_min < high] if high is not None else []),
            )
        )
        .label(f"b{i}")
        for i, (low, high) in enumerate(PRICE_BUCKETS)
    ]
    buckets = select(*bucket_columns).select_from(matches).subquery()
    return select(
        select(func.count()).select_from(matches).scalar_subquery(),
        top(matches.c.category_id, FACET_SIZE),
        top(matches.c.vendor_id, FACET_SIZE),
        top(attribute, ATTRIBUTE_FACET_SIZE, matches.join(attributes, true())),
        *(buckets.c[f"b{i}"] for i in range(len(PRICE_BUCKETS))),
    ).select_from(buckets)


def facets(row: Sequence[Any]) -> tuple[int, SearchFacets]:
    """The total and the facets from :func:`facet_counts`'s row."""
    total, category, vendor, attributes, *bucket_counts = row
    return int(total), {
        "category": facet_values(category),
        "vendor": facet_values(vendor),
        "price": price_facet(bucket_counts),
        "attributes": facet_values(attributes),
    }
