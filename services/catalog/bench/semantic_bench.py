"""Search by meaning, measured (ADR 0123): recall@10 of text, vector and hybrid search
on a labelled set, and the latency each mode adds at catalog scale.

    uv run python services/catalog/bench/semantic_bench.py \
        [--products 100000] [--rounds 3] [--sample N] [--report docs/bench/catalog-semantic.md]
        [--backends postgres,elasticsearch] [--elasticsearch-url URL]

The labelled set is ``labelled/products.tsv`` (196 products over 25 categories) and
``labelled/queries.tsv`` (56 queries, each with the products a shopper would want
for it). Recall@10 is, per query, the share of its relevant products among the first
ten results, averaged over the queries. The products are embedded by the catalog's
own embedding worker (``service.embeddings.embed_pending``), the searches go through
``service.embeddings.search``, as ``GET /search`` does, on each backend: PostgreSQL
(pgvector beside its full-text index) and Elasticsearch (the documents' dense vectors;
a real node from tools/infra unless ``--elasticsearch-url`` names one).

For latency the catalog is then grown to ``--products`` products by copying the
labelled ones: each copy has its original's text and its original's real embedding
plus a little noise, scaled back to unit length (embedding 100k texts with this model
on a small CPU would take hours; the HNSW index only needs realistic, clustered
vectors). The HNSW index is built once the rows are in; Elasticsearch gets the same
documents and vectors in one rebuild. Every labelled query is timed in
each mode, ``--rounds`` times; the query's embedding is part of the vector and hybrid
figures, and is also shown alone. A benchmark, not a test: figures depend on the
machine. ``--sample`` keeps every n-th product (and the queries they answer) for a
smoke run, ``--queries`` times only the first n queries.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from semantic_catalog import build_catalog, grow, grown_documents, load, with_vectors
from sqlalchemy import text

from agora_catalog.adapters.search.base import Mode, SearchBackend, SearchQuery
from agora_catalog.adapters.search.elasticsearch import ElasticsearchSearch
from agora_catalog.adapters.search.postgres import PostgresSearch
from agora_catalog.service import embeddings
from agora_kit import migrations
from agora_kit.db import Database
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import free_port

MODES: tuple[Mode, ...] = ("text", "vector", "hybrid")
K = 10


async def recall(
    search: SearchBackend, slugs: dict[uuid.UUID, str], queries: list[tuple[str, set[str]]]
) -> dict[Mode, float]:
    totals: dict[Mode, float] = dict.fromkeys(MODES, 0.0)
    for words, relevant in queries:
        for mode in MODES:
            result = await embeddings.search(search, SearchQuery(text=words, mode=mode, limit=K))
            found = {slugs.get(hit.product_id) for hit in result.hits}
            totals[mode] += len(found & relevant) / len(relevant)
    return {mode: total / len(queries) for mode, total in totals.items()}


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(len(ordered) * q) - 1)]


async def latency(
    search: SearchBackend, queries: list[tuple[str, set[str]]], rounds: int
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


def elasticsearch(url: str | None) -> ElasticsearchSearch:
    """A fresh index on ``url``, or on a real node from tools/infra (started if it is not
    running)."""
    if url is None:
        from agora_tools.infra import server

        node = server("elasticsearch")
        node.up()
        url = node.endpoints()["url"]
    return ElasticsearchSearch(
        url, index=f"agora-semantic-bench-{uuid.uuid4().hex[:8]}", request_timeout=300
    )


NAMES = {"postgres": "PostgreSQL", "elasticsearch": "Elasticsearch"}


def latency_rows(timings: dict[str, dict[str, list[float]]]) -> list[str]:
    """One row per mode, each backend's p50, p95 and p95 over its own text search."""
    backends = list(timings)
    head = " | ".join(f"{NAMES[b]} p50 ms | p95 ms | p95 added over text ms" for b in backends)
    rows = [f"| mode | {head} |", "| --- |" + " --- | --- | --- |" * len(backends)]
    for name in next(iter(timings.values())):
        cells = []
        for backend in backends:
            values, text_p95 = timings[backend][name], p(timings[backend]["text"], 0.95)
            added = "" if name in ("text", "embedding") else f"{p(values, 0.95) - text_p95:+.1f}"
            cells.append(f"{statistics.median(values):.1f} | {p(values, 0.95):.1f} | {added}")
        rows.append(f"| {name} | {' | '.join(cells)} |")
    return rows


async def run(pg: EmbeddedPostgres, args: argparse.Namespace) -> list[str]:
    url = pg.url("agora_catalog")
    await asyncio.to_thread(migrations.upgrade, "agora_catalog", url)
    database = Database(url, pool_size=5)
    search = PostgresSearch(url, pool_size=5)
    backends: dict[str, SearchBackend] = {"postgres": search}
    if "elasticsearch" in args.backends:
        backends["elasticsearch"] = elasticsearch(args.elasticsearch_url)
    products, queries = load(args.sample)
    queries = queries[: args.queries or None]
    lines: list[str] = []
    try:
        documents = await build_catalog(database, search, products)
        slugs = {d.product_id: p.slug for d, p in zip(documents, products, strict=True)}
        started = time.perf_counter()
        embedded = 0
        while done := await embeddings.embed_pending(database, batch=32):
            embedded += done
        took = time.perf_counter() - started
        labelled = await with_vectors(database, documents)
        if "elasticsearch" in backends:
            await backends["elasticsearch"].start()
            await backends["elasticsearch"].upsert(labelled)
        scores = {name: await recall(b, slugs, queries) for name, b in backends.items()}
        lines += [
            f"## Recall@{K} on the labelled set",
            "",
            f"{len(products)} products, {len(queries)} queries; the products embedded by the "
            f"worker in {took:.1f} s ({embedded / took:.1f} products/s, model load included).",
            "",
            "| mode | " + " | ".join(f"{NAMES[n]} recall@10" for n in backends) + " |",
            "| --- |" + " --- |" * len(backends),
            *(
                f"| {mode} | " + " | ".join(f"{scores[n][mode]:.3f}" for n in backends) + " |"
                for mode in MODES
            ),
            "",
        ]
        grew = await grow(database, args.products, len(products))
        count = await search.count()
        loaded = ""
        if "elasticsearch" in backends:
            started = time.perf_counter()
            es_count = await backends["elasticsearch"].rebuild(grown_documents(database, labelled))
            loaded = (
                f" Elasticsearch got the same {es_count} documents with their vectors in one "
                f"rebuild in {time.perf_counter() - started:.1f} s (bulk writes, its HNSW "
                "graph built as they arrive)."
            )
        timings = {name: await latency(b, queries, args.rounds) for name, b in backends.items()}
        indexed = await uses_index(database, queries[0][0])
        lines += [
            f"## Latency at {count} products",
            "",
            f"Grown from the labelled products in {grew:.1f} s (copies, noisy vectors, HNSW "
            f"index built after the rows).{loaded} {len(queries)} queries x {args.rounds} "
            "rounds per mode and backend, one at a time, limit 20, through "
            "`service.embeddings.search` (the route's path without HTTP).",
            "",
            *latency_rows(timings),
            "",
            "`embedding` is the query's embedding alone (the numpy encoder, in a thread); "
            "`vector, embedded` is the vector search with the embedding already made (the "
            "backend's share).",
            "",
            f"PostgreSQL's vector query plan {'reads' if indexed else 'does not read'} the "
            "HNSW index (`ix_product_embeddings_cosine`).",
            "",
        ]
    finally:
        if "elasticsearch" in backends:
            es = backends["elasticsearch"]
            assert isinstance(es, ElasticsearchSearch)
            await es.drop()
            await es.close()
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
    parser.add_argument(
        "--backends", type=lambda v: v.split(","), default=["postgres", "elasticsearch"]
    )
    parser.add_argument("--elasticsearch-url", default=None)
    args = parser.parse_args()
    lines = [
        "# Catalog search by meaning: recall and latency",
        "",
        "Written by `make bench` (services/catalog/bench/semantic_bench.py): recall@10 of",
        "`GET /search?mode=text|vector|hybrid` on a labelled set, then the latency of each",
        "mode on embedded PostgreSQL and on Elasticsearch, grown to a catalog's size (ADR",
        "0123), side by side in one run on the machine that wrote them.",
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
