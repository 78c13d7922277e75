"""Search by meaning, measured (ADR 0123): recall@10 of text, vector and hybrid search
on a labelled set, and the latency each mode adds at catalog scale.

    uv run python services/catalog/bench/semantic_bench.py \
        [--products 100000] [--rounds 3] [--sample N] [--report docs/bench/catalog-semantic.md]

The labelled set is ``labelled/products.tsv`` (196 products over 25 categories) and
``labelled/queries.tsv`` (56 queries, each with the products a shopper would want
for it). Recall@10 is, per query, the share of its relevant products among the first
ten results, averaged over the queries. The products are embedded by the catalog's
own embedding worker (``service.embeddings.embed_pending``), the searches go through
``service.embeddings.search`` on the PostgreSQL backend, as ``GET /search`` does.

For latency the catalog is then grown to ``--products`` products by copying the
labelled ones: each copy has its original's text and its original's real embedding
plus a little noise, scaled back to unit length (embedding 100k texts with this model
on a small CPU would take hours; the HNSW index only needs realistic, clustered
vectors). The index is built once the rows are in. Every labelled query is timed in
each mode, ``--rounds`` times; the query's embedding is part of the vector and hybrid
figures, and is also shown alone. A benchmark, not a test: figures depend on the
machine. ``--sample`` keeps every n-th product (and the queries they answer) for a
smoke run, ``--queries`` times only the first n queries.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from agora_catalog.adapters.search.base import Mode, SearchDocument, SearchQuery
from agora_catalog.adapters.search.postgres import PostgresSearch
from agora_catalog.models import Category, Product, Vendor
from agora_catalog.service import embeddings
from agora_kit import migrations
from agora_kit.db import Database
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import free_port

HERE = Path(__file__).resolve().parent / "labelled"
MODES: tuple[Mode, ...] = ("text", "vector", "hybrid")
K = 10


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
) -> dict[uuid.UUID, str]:
    """One approved store, a category per label, the products published and indexed;
    returns product id -> slug."""
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
    await search.upsert(
        [
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
    )
    return {pid: slug for slug, pid in ids.items()}


async def recall(
    search: PostgresSearch, slugs: dict[uuid.UUID, str], queries: list[tuple[str, set[str]]]
) -> dict[Mode, float]:
    totals: dict[Mode, float] = dict.fromkeys(MODES, 0.0)
    for words, relevant in queries:
        for mode in MODES:
            result = await embeddings.search(search, SearchQuery(text=words, mode=mode, limit=K))
            found = {slugs.get(hit.product_id) for hit in result.hits}
            totals[mode] += len(found & relevant) / len(relevant)
    return {mode: total / len(queries) for mode, total in totals.items()}


GROW = [
    "CREATE TEMP TABLE copies AS SELECT gen_random_uuid() AS id, b.ids[1 + g % b.k] AS base_id, g "
    "FROM generate_series(1, :n) g, (SELECT array_agg(product_id) AS ids, count(*)::int AS k "
    "FROM search_documents) b",
    "INSERT INTO products (id, vendor_id, category_id, title, description, status, published_at, "
    "updated_at) SELECT c.id, p.vendor_id, p.category_id, p.title, p.description, p.status, "
    "p.published_at - c.g * interval '1 second', p.updated_at FROM copies c "
    "JOIN products p ON p.id = c.base_id",
    "INSERT INTO search_documents (product_id, vendor_id, vendor_name, category_id, category_path, "
    "title, title_folded, attributes, price_min, price_max, currency, image_url, rating_average, "
    "rating_count, published_at, document) SELECT c.id, s.vendor_id, s.vendor_name, s.category_id, "
    "s.category_path, s.title, s.title_folded, s.attributes, s.price_min + c.g % 500, "
    "s.price_max + c.g % 500, s.currency, s.image_url, s.rating_average, s.rating_count, "
    "s.published_at - c.g * interval '1 second', s.document FROM copies c "
    "JOIN search_documents s ON s.product_id = c.base_id",
    "DROP INDEX ix_product_embeddings_cosine",
    # Each copy: its original's vector plus uniform noise (about 0.2 in norm against 1),
    # back to unit length; the subquery names the row so it is drawn afresh for each.
    "INSERT INTO product_embeddings (product_id, embedding, source_updated_at) "
    "SELECT c.id, l2_normalize(e.embedding + ARRAY(SELECT (random() - 0.5) * 0.04 + 0 * c.g "
    "FROM generate_series(1, 384))::vector), e.source_updated_at FROM copies c "
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


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(len(ordered) * q) - 1)]


async def latency(
    search: PostgresSearch, queries: list[tuple[str, set[str]]], rounds: int
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {m: [] for m in (*MODES, "embedding", "vector, embedded")}
    for _ in range(rounds):
        for words, _relevant in queries:
            for mode in MODES:
                started = time.perf_counter()
                await embeddings.search(search, SearchQuery(text=words, mode=mode, limit=20))
                samples[mode].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            vector = tuple(await embeddings.embed_query(words))
            samples["embedding"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await search.search(SearchQuery(text=words, mode="vector", vector=vector, limit=20))
            samples["vector, embedded"].append((time.perf_counter() - started) * 1000)
    return samples


PLAN = (
    "EXPLAIN SELECT s.product_id FROM search_documents s JOIN product_embeddings e "
    "ON e.product_id = s.product_id ORDER BY e.embedding <=> CAST(:v AS vector) LIMIT 100"
)


async def uses_index(database: Database, words: str) -> bool:
    """Whether the vector search's shape of query is answered from the HNSW index."""
    vector = await embeddings.embed_query(words)
    async with database.transaction() as session:
        plan = await session.scalars(text(PLAN), {"v": "[" + ",".join(map(str, vector)) + "]"})
        return any("ix_product_embeddings_cosine" in line for line in plan)


async def run(pg: EmbeddedPostgres, args: argparse.Namespace) -> list[str]:
    url = pg.url("agora_catalog")
    await asyncio.to_thread(migrations.upgrade, "agora_catalog", url)
    database = Database(url, pool_size=5)
    search = PostgresSearch(url, pool_size=5)
    products, queries = load(args.sample)
    queries = queries[: args.queries or None]
    lines: list[str] = []
    try:
        slugs = await build_catalog(database, search, products)
        started = time.perf_counter()
        embedded = 0
        while done := await embeddings.embed_pending(database, batch=32):
            embedded += done
        took = time.perf_counter() - started
        scores = await recall(search, slugs, queries)
        lines += [
            f"## Recall@{K} on the labelled set",
            "",
            f"{len(products)} products, {len(queries)} queries; the products embedded by the "
            f"worker in {took:.1f} s ({embedded / took:.1f} products/s, model load included).",
            "",
            "| mode | recall@10 |",
            "| --- | --- |",
            *(f"| {mode} | {scores[mode]:.3f} |" for mode in MODES),
            "",
        ]
        grew = await grow(database, args.products, len(products))
        count = await search.count()
        samples = await latency(search, queries, args.rounds)
        indexed = await uses_index(database, queries[0][0])
        text_p95 = p(samples["text"], 0.95)
        lines += [
            f"## Latency at {count} products",
            "",
            f"Grown from the labelled products in {grew:.1f} s (copies, noisy vectors, HNSW "
            f"index built after the rows). {len(queries)} queries x {args.rounds} rounds per "
            "mode, limit 20, through `service.embeddings.search` (the route's path without "
            "HTTP).",
            "",
            "| mode | p50 ms | p95 ms | p95 added over text ms |",
            "| --- | --- | --- | --- |",
        ]
        for name, values in samples.items():
            added = "" if name in ("text", "embedding") else f"{p(values, 0.95) - text_p95:+.1f}"
            lines.append(
                f"| {name} | {statistics.median(values):.1f} | {p(values, 0.95):.1f} | {added} |"
            )
        lines += [
            "",
            "`embedding` is the query's embedding alone (the numpy encoder, in a thread); "
            "`vector, embedded` is the vector search with the embedding already made (the "
            "database's share).",
            "",
            f"The vector query's plan {'reads' if indexed else 'does not read'} the HNSW "
            "index (`ix_product_embeddings_cosine`).",
            "",
        ]
    finally:
        await search.close()
        await database.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1, help="keep every n-th product")
    parser.add_argument("--queries", type=int, default=0, help="at most this many queries")
    parser.add_argument("--report", type=Path, default=Path("docs/bench/catalog-semantic.md"))
    args = parser.parse_args()
    lines = [
        "# Catalog search by meaning: recall and latency",
        "",
        "Written by `make bench` (services/catalog/bench/semantic_bench.py): recall@10 of",
        "`GET /search?mode=text|vector|hybrid` on a labelled set, then the latency of each",
        "mode on embedded PostgreSQL grown to a catalog's size (ADR 0123). Figures are from",
        "one run on the machine that wrote them.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="agora-semantic-bench-") as tmp:
        pg = EmbeddedPostgres(Path(tmp), port=free_port(), durable=False)
        pg.start()
        try:
            pg.ensure_database("agora_catalog")
            lines += asyncio.run(run(pg, args))
        finally:
            pg.stop()
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {args.report}")


if __name__ == "__main__":
    main()
