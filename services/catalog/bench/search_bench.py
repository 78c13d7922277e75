"""Catalog at scale on both search backends: seeding, a full reindex, search and
suggestion latency (median and p95), and reservation throughput on hot SKUs.

    uv run python services/catalog/bench/search_bench.py \
        [--products 10000,100000] [--backends postgres,elasticsearch] [--out docs/bench]

Starts an embedded PostgreSQL in a temporary directory, seeds a demo catalog of
``--products`` products (`agora seed`'s generator), and writes a Markdown report to
``--out/catalog-search.md``. A benchmark, not a test: its numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from agora_catalog.adapters.search.base import SearchBackend, SearchQuery
from agora_catalog.adapters.search.elasticsearch import ElasticsearchSearch
from agora_catalog.adapters.search.postgres import PostgresSearch
from agora_catalog.models import Inventory
from agora_catalog.seed import seed_catalog
from agora_catalog.service import reservations
from agora_catalog.service.indexing import Indexer
from agora_kit import migrations
from agora_kit.db import Database
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.events.outbox import Outbox
from agora_kit.testing.fixtures import free_port

QUERIES = [
    SearchQuery(text="headphones"),
    SearchQuery(text="wireless headphones", sort="price_asc"),
    SearchQuery(text="hedphones"),
    SearchQuery(text="running shoes", attributes={"colour": ("black",)}),
    SearchQuery(text="lamp", min_price=2_000, max_price=10_000),
    SearchQuery(sort="newest"),
    SearchQuery(sort="price_desc", attributes={"size": ("m", "l")}),
]
SUGGESTIONS = ["wi", "head", "mech key", "kettel", "run"]


async def timed(call: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


async def reserve_hot_skus(database: Database, outbox: Outbox, orders: int) -> tuple[float, int]:
    """Concurrent single-line orders on the five most stocked SKUs."""
    async with database.transaction() as session:
        hot = list(
            await session.scalars(select(Inventory.sku).order_by(Inventory.on_hand.desc()).limit(5))
        )

    async def one(i: int) -> bool:
        async with database.transaction() as session:
            outcome = await reservations.reserve(
                session,
                outbox,
                order_id=uuid.uuid4(),
                buyer_id=uuid.uuid4(),
                lines=[reservations.Line(hot[i % len(hot)], 1)],
                ttl=timedelta(minutes=15),
            )
        return outcome.reserved

    started = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(orders)))
    return time.perf_counter() - started, sum(results)


async def measure(search: SearchBackend, database: Database, rounds: int) -> list[str]:
    """Rebuild ``search`` from the catalog, then time every query and suggestion."""
    started = time.perf_counter()
    indexed = await Indexer(search).rebuild(database)
    rebuilt = time.perf_counter() - started
    lines = [
        f"### {search.name}",
        "",
        f"- reindex: {indexed} documents in {rebuilt:.1f} s ({indexed / rebuilt:.0f}/s)",
        "",
        "| query | hits | latency |",
        "| --- | --- | --- |",
    ]
    for query in QUERIES:
        result = await search.search(query)
        samples = await timed(lambda q=query: search.search(q), rounds)  # type: ignore[misc]
        label = ", ".join(
            f"{k}={v}"
            for k, v in query.__dict__.items()
            if v and k not in ("limit", "cursor") and not (k == "sort" and v == "relevance")
        )
        lines.append(f"| {label or 'all'} | {result.total} | {summary(samples)} |")
    lines += ["", "| suggest | first | latency |", "| --- | --- | --- |"]
    for text in SUGGESTIONS:
        first = (await search.suggest(text))[:1]
        samples = await timed(lambda t=text: search.suggest(t), rounds)  # type: ignore[misc]
        lines.append(f"| {text} | {first[0] if first else '-'} | {summary(samples)} |")
    return [*lines, ""]


def elasticsearch_url() -> str:
    """A real Elasticsearch from tools/infra (started if it is not running)."""
    from agora_tools.infra import server

    node = server("elasticsearch")
    node.up()
    return node.endpoints()["url"]


async def run(pg: EmbeddedPostgres, products: int, rounds: int, backends: list[str]) -> list[str]:
    url = pg.url("agora_catalog")
    await asyncio.to_thread(migrations.upgrade, "agora_catalog", url)
    database = Database(url, pool_size=20)
    outbox = Outbox(source="/agora/catalog")
    lines = [f"## {products} products", ""]
    try:
        started = time.perf_counter()
        report = await seed_catalog(database, outbox, products=products)
        seeded = time.perf_counter() - started
        lines += [
            f"- seed: {report.products} products, {report.variants} SKUs, {report.reviews} "
            f"reviews in {seeded:.1f} s ({report.products / seeded:.0f} products/s)",
            "",
        ]
        for backend in backends:
            search: SearchBackend = (
                PostgresSearch(url, pool_size=5)
                if backend == "postgres"
                else ElasticsearchSearch(
                    await asyncio.to_thread(elasticsearch_url),
                    index=f"agora-bench-{uuid.uuid4().hex[:8]}",
                )
            )
            await search.start()
            try:
                lines += await measure(search, database, rounds)
            finally:
                await search.close()
        elapsed, reserved = await reserve_hot_skus(database, outbox, 500)
        lines += [
            f"- 500 concurrent reservations on 5 hot SKUs: {elapsed:.2f} s "
            f"({500 / elapsed:.0f}/s), {reserved} reserved, {500 - reserved} short",
            "",
        ]
    finally:
        await database.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", default="10000,100000", help="catalog sizes, comma-separated")
    parser.add_argument("--backends", default="postgres,elasticsearch")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("docs/bench"))
    args = parser.parse_args()
    sizes = [int(n) for n in args.products.split(",")]
    backends = [b.strip() for b in args.backends.split(",")]
    lines = [
        "# Catalog search benchmark",
        "",
        "Written by `make bench` (services/catalog/bench/search_bench.py): a seeded catalog",
        "on embedded PostgreSQL, searched through each backend. Figures are from one run on",
        "the machine that wrote them; compare backends and sizes within a run.",
        "",
    ]
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="agora-catalog-bench-") as tmp:
            pg = EmbeddedPostgres(Path(tmp), port=free_port(), durable=False)
            pg.start()
            try:
                pg.ensure_database("agora_catalog")
                lines += asyncio.run(run(pg, size, args.rounds, backends))
            finally:
                pg.stop()
    args.out.mkdir(parents=True, exist_ok=True)
    report = args.out / "catalog-search.md"
    report.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {report}")


if __name__ == "__main__":
    main()
