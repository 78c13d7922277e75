"""The search-by-meaning benchmark's catalog (ADR 0123): the labelled set
(``labelled/products.tsv`` and ``labelled/queries.tsv``) loaded into a catalog database
and its PostgreSQL index, then grown to a catalog's size by copying the labelled
products with noisy copies of their real vectors (:data:`GROW`), and the same documents
for another backend's index (:func:`grown_documents`)."""

from __future__ import annotations

import csv
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import column, insert, text

from agora_catalog.adapters.search.base import SearchDocument
from agora_catalog.adapters.search.postgres import PostgresSearch
from agora_catalog.models import Category, Product, Vector, Vendor
from agora_catalog.repository.embeddings import vectors_of
from agora_kit.db import Database

HERE = Path(__file__).resolve().parent / "labelled"


@dataclass(frozen=True)
class Labelled:
    slug: str
    category: str
    title: str
    description: str


def load(sample: int) -> tuple[list[Labelled], list[tuple[str, set[str]]]]:
    with (HERE / "products.tsv").open() as f:
        products = [
            Labelled(row["id"], row["category"], row["title"], row["description"])
            for row in csv.DictReader(f, delimiter="\t")
        ]
    products = products[::sample]
    kept = {p.slug for p in products}
    queries = []
    with (HERE / "queries.tsv").open() as f:
        for row in csv.DictReader(f, delimiter="\t"):
            relevant = set(row["relevant"].split()) & kept
            if relevant:
                queries.append((row["query"], relevant))
    return products, queries


async def build_catalog(
    database: Database, search: PostgresSearch, items: list[Labelled]
) -> list[SearchDocument]:
    """One approved store, a category per label, the products published and indexed on
    PostgreSQL; returns their documents."""
    vendor_id = uuid.uuid4()
    now = datetime.now(UTC)
    categories = {name: uuid.uuid4() for name in dict.fromkeys(p.category for p in items)}
    ids = {p.slug: uuid.uuid4() for p in items}
    async with database.transaction() as session:
        await session.execute(
            insert(Vendor).values(
                id=vendor_id,
                owner_id=uuid.uuid4(),
                name="Bench Goods",
                slug="bench-goods",
                status="approved",
            )
        )
        await session.execute(
            insert(Category),
            [
                {"id": cid, "name": name, "slug": name.lower().replace(" ", "-")}
                for name, cid in categories.items()
            ],
        )
        await session.execute(
            insert(Product),
            [
                {
                    "id": ids[p.slug],
                    "vendor_id": vendor_id,
                    "category_id": categories[p.category],
                    "title": p.title,
                    "description": p.description,
                    "status": "published",
                    "published_at": now - timedelta(minutes=i),
                }
                for i, p in enumerate(items)
            ],
        )
    documents = [
        SearchDocument(
            product_id=ids[p.slug],
            title=p.title,
            vendor_id=vendor_id,
            vendor_name="Bench Goods",
            category_id=categories[p.category],
            price_min=1_000 + 250 * (i % 40),
            price_max=1_000 + 250 * (i % 40),
            currency="USD",
            image_url=None,
            rating_average=None,
            rating_count=0,
            published_at=now - timedelta(minutes=i),
            category_path=(categories[p.category],),
            category_names=(p.category,),
            description=p.description,
            attributes={},
        )
        for i, p in enumerate(items)
    ]
    await search.upsert(documents)
    return documents


async def with_vectors(database: Database, documents: list[SearchDocument]) -> list[SearchDocument]:
    """The documents with the vectors the worker made, as the indexer sends them."""
    async with database.transaction() as session:
        made = await vectors_of(session, [d.product_id for d in documents])
    return [replace(d, embedding=tuple(made[d.product_id])) for d in documents]


async def grown_documents(
    database: Database, labelled: Sequence[SearchDocument], batch: int = 1_000
) -> AsyncIterator[list[SearchDocument]]:
    """The labelled documents, then each copy :data:`GROW` made, as PostgreSQL holds it
    (its original's document, price and date moved as there, and its noisy vector)."""
    yield list(labelled)
    base = {d.product_id: d for d in labelled}
    after = 0
    while True:
        async with database.transaction() as session:
            rows = (
                await session.execute(
                    # The vector read back by the model's own column type.
                    text(
                        "SELECT c.id, c.base_id, c.g, e.embedding FROM bench_copies c "
                        "JOIN product_embeddings e ON e.product_id = c.id "
                        "WHERE c.g > :after ORDER BY c.g LIMIT :n"
                    ).columns(
                        column("id"), column("base_id"), column("g"), column("embedding", Vector())
                    ),
                    {"after": after, "n": batch},
                )
            ).all()
        if not rows:
            return
        after = rows[-1][2]
        yield [
            replace(
                base[base_id],
                product_id=pid,
                price_min=base[base_id].price_min + g % 500,
                price_max=base[base_id].price_max + g % 500,
                published_at=base[base_id].published_at - timedelta(seconds=g),
                embedding=tuple(vector),
            )
            for pid, base_id, g, vector in rows
        ]


GROW = [
    "CREATE UNLOGGED TABLE bench_copies AS SELECT gen_random_uuid() AS id, "
    "b.ids[1 + g % b.k] AS base_id, g FROM generate_series(1, :n) g, "
    "(SELECT array_agg(product_id) AS ids, count(*)::int AS k FROM search_documents) b",
    "INSERT INTO products (id, vendor_id, category_id, title, description, status, published_at, "
    "updated_at) SELECT c.id, p.vendor_id, p.category_id, p.title, p.description, p.status, "
    "p.published_at - c.g * interval '1 second', p.updated_at FROM bench_copies c "
    "JOIN products p ON p.id = c.base_id",
    "INSERT INTO search_documents (product_id, vendor_id, vendor_name, category_id, category_path, "
    "title, title_folded, attributes, price_min, price_max, currency, image_url, rating_average, "
    "rating_count, published_at, document) SELECT c.id, s.vendor_id, s.vendor_name, s.category_id, "
    "s.category_path, s.title, s.title_folded, s.attributes, s.price_min + c.g % 500, "
    "s.price_max + c.g % 500, s.currency, s.image_url, s.rating_average, s.rating_count, "
    "s.published_at - c.g * interval '1 second', s.document FROM bench_copies c "
    "JOIN search_documents s ON s.product_id = c.base_id",
    "DROP INDEX ix_product_embeddings_cosine",
    # Each copy: its original's vector plus uniform noise (about 0.2 in norm against 1),
    # back to unit length; the subquery names the row so it is drawn afresh for each.
    "INSERT INTO product_embeddings (product_id, embedding, source_updated_at) "
    "SELECT c.id, l2_normalize(e.embedding + ARRAY(SELECT (random() - 0.5) * 0.04 + 0 * c.g "
    "FROM generate_series(1, 384))::vector), e.source_updated_at FROM bench_copies c "
    "JOIN product_embeddings e ON e.product_id = c.base_id",
    "SET maintenance_work_mem = '1GB'",
    "CREATE INDEX ix_product_embeddings_cosine ON product_embeddings "
    "USING hnsw (embedding vector_cosine_ops)",
    "ANALYZE",
]


async def grow(database: Database, total: int, have: int) -> float:
    started = time.perf_counter()
    async with database.transaction() as session:
        for statement in GROW:
            await session.execute(text(statement), {"n": max(0, total - have)})
    return time.perf_counter() - started
