"""`agora seed` and `agora catalog reindex` as a newcomer and an operator use them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from agora_catalog.adapters.search.base import SearchQuery
from agora_catalog.adapters.search.postgres import PostgresSearch
from agora_catalog.cli import app
from agora_catalog.models import Product, SearchDocument, Vendor
from agora_kit.db import Database
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import free_port

runner = CliRunner()


async def count(url: str, table: type[Product] | type[SearchDocument]) -> int:
    database = Database(url, pool_size=1)
    try:
        async with database.transaction() as session:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        await database.dispose()


def test_seed_builds_a_living_shop_in_a_fresh_data_directory(tmp_path: Path) -> None:
    port = free_port()
    args = ["seed", "--data-dir", str(tmp_path), "--products", "40", "--postgres-port", str(port)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Seeded 40 products" in result.output
    assert "Seeding products: 40/40" in result.output, "plain progress lines off a terminal"
    assert "Stopping PostgreSQL" in result.output

    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "already holds 40 products; nothing seeded" in again.output

    pg = EmbeddedPostgres(tmp_path / "postgres", port=port)
    pg.start()
    try:
        url = pg.url("agora_catalog")

        async def check() -> None:
            assert await count(url, Product) == 40
            indexed = await count(url, SearchDocument)
            assert 0 < indexed < 40, "drafts and the suspended store's products are not for sale"
            search = PostgresSearch(url)
            try:
                result = await search.search(SearchQuery(text="headphones"))
                assert result.total == len(result.hits) > 0
            finally:
                await search.close()
            conn = await asyncpg.connect(url.replace("+asyncpg", ""))
            try:
                events = await conn.fetchval(
                    "SELECT count(*) FROM outbox WHERE event_type = $1",
                    "agora.catalog.product.published.v1",
                )
                published = await conn.fetchval(
                    "SELECT count(*) FROM products WHERE status = 'published'"
                )
                assert events == published, "one ProductPublished per published product"
                assert published > indexed, "the suspended store's products are not indexed"
                embedded = await conn.fetchval("SELECT count(*) FROM product_embeddings")
                assert embedded == indexed, "each product for sale has its vector"
            finally:
                await conn.close()

        asyncio.run(check())
    finally:
        pg.stop()


async def test_reindex_rebuilds_the_index_from_the_environments_database(
    catalog_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agora_catalog.cli import _seed

    await _seed(catalog_url, 30, 3, append=False)
    searchable = await count(catalog_url, SearchDocument)
    database = Database(catalog_url, pool_size=1)
    async with database.transaction() as session:
        await session.execute(delete(SearchDocument))
        # A store suspended while the index was not listening.
        vendor = await session.scalar(select(Vendor).where(Vendor.status == "approved").limit(1))
        assert vendor is not None
        vendor.status = "suspended"
        hidden = int(
            await session.scalar(
                select(func.count())
                .select_from(Product)
                .where(Product.vendor_id == vendor.id, Product.status == "published")
            )
            or 0
        )
    await database.dispose()

    monkeypatch.setenv("AGORA_CATALOG_DATABASE_URL", catalog_url)
    result = await asyncio.to_thread(runner.invoke, app, ["reindex"])
    assert result.exit_code == 0, result.output
    assert f"Indexed {searchable - hidden} products" in result.output
    assert "Indexing (postgres):" in result.output
    assert await count(catalog_url, SearchDocument) == searchable - hidden
