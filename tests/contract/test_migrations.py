"""Every service's migration history builds its database from nothing, matches its
models (no change without a migration) and can be walked back."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from alembic import command

from agora_kit import migrations
from agora_kit.testing.fixtures import PostgresServer

SERVICES = ["user", "catalog", "order", "payment", "notification"]


async def tables(server: PostgresServer, database: str) -> set[str]:
    conn = await asyncpg.connect(server.dsn(database))
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await conn.close()
    return {row["tablename"] for row in rows}


@pytest.mark.parametrize("service", SERVICES)
async def test_history_builds_matches_models_and_reverses(
    service: str, postgres_server: PostgresServer
) -> None:
    name = await postgres_server.create_database(service)
    url = postgres_server.url(name)
    package = f"agora_{service}"
    try:
        await asyncio.to_thread(migrations.upgrade, package, url)
        assert {"outbox", "inbox", "dead_letter", "alembic_version"} <= await tables(
            postgres_server, name
        )
        # Raises when the models hold a change that no migration describes.
        await asyncio.to_thread(migrations.check, package, url)

        config = migrations.alembic_config(package, url)
        await asyncio.to_thread(command.downgrade, config, "base")
        assert await tables(postgres_server, name) == {"alembic_version"}
        await asyncio.to_thread(migrations.upgrade, package, url)
        assert "outbox" in await tables(postgres_server, name)
    finally:
        await postgres_server.drop_database(name)
