"""``agora backup --database-url`` and ``agora restore --database-url``, as for a
distributed fleet: one service database, dumped, dropped and restored on a real
server; the restore creates it, refuses a non-empty one and a file that changed."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import quote

import asyncpg
import pytest
from typer.testing import CliRunner

from agora_cli.main import app
from agora_kit.testing.fixtures import Databases, PostgresServer

pytestmark = pytest.mark.integration

runner = CliRunner()


async def fetch(server: PostgresServer, database: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(server.dsn(database))
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def test_one_database_by_url_round_trips_and_republishes_the_last_minutes(
    postgres_server: PostgresServer, databases: Databases, tmp_path: Path
) -> None:
    url = await databases.migrated("agora_order")
    name = url.rsplit("/", 1)[1]
    await fetch(
        postgres_server,
        name,
        "INSERT INTO outbox (event_id, topic, key, event_type, event, published_at) VALUES "
        "('old', 't', 'k', 'x', '{}', now() - interval '1 hour'),"
        "('recent', 't', 'k', 'x', '{}', now() - interval '1 minute'),"
        "('waiting', 't', 'k', 'x', '{}', NULL)",
    )
    heads = [
        r["version_num"]
        for r in await fetch(postgres_server, name, "SELECT * FROM alembic_version")
    ]

    backup = tmp_path / "backup"
    done = runner.invoke(app, ["backup", "--database-url", url, "--to", str(backup)])
    assert done.exit_code == 0, done.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["databases"][name]["alembic_heads"] == heads
    assert manifest["databases"][name]["rows"] == {"outbox": 3, "inbox": 0, "dead_letter": 0}
    again = runner.invoke(app, ["backup", "--database-url", url, "--to", str(backup)])
    assert again.exit_code == 1  # never into a backup already there
    assert "not empty" in again.output

    await postgres_server.drop_database(name)
    done = runner.invoke(app, ["restore", "--from", str(backup), "--database-url", url])
    assert done.exit_code == 0, done.output
    rows = await fetch(
        postgres_server, name, "SELECT event_id, published_at IS NULL AS waiting FROM outbox"
    )
    # Published within five minutes of the backup: published again, as it may not have
    # reached the transport's log before that was dumped.
    assert {r["event_id"]: r["waiting"] for r in rows} == {
        "old": False,
        "recent": True,
        "waiting": True,
    }
    restored = await fetch(postgres_server, name, "SELECT version_num FROM alembic_version")
    assert [r["version_num"] for r in restored] == heads

    refused = runner.invoke(app, ["restore", "--from", str(backup), "--database-url", url])
    assert refused.exit_code == 1
    assert "not empty" in refused.output

    await postgres_server.drop_database(name)
    dump = backup / manifest["databases"][name]["file"]
    dump.write_bytes(dump.read_bytes() + b"\0")
    changed = runner.invoke(app, ["restore", "--from", str(backup), "--database-url", url])
    assert changed.exit_code == 1
    assert "not what was backed up" in changed.output


def test_a_data_directory_without_agora_data_is_refused_not_made(tmp_path: Path) -> None:
    done = runner.invoke(
        app, ["backup", "--data-dir", str(tmp_path / "none"), "--to", str(tmp_path / "b")]
    )
    assert done.exit_code == 1
    assert "holds no `agora run` data" in done.output
    assert not (tmp_path / "none").exists()


async def test_a_database_named_with_quotes_is_backed_up_and_restored(
    postgres_server: PostgresServer, databases: Databases, tmp_path: Path
) -> None:
    """The names go into the restore's SQL quoted: a name PostgreSQL allows is restored."""
    migrated = (await databases.migrated("agora_order")).rsplit("/", 1)[1]
    name = f"""o'neil's "orders" {uuid.uuid4().hex[:6]}"""
    ident = '"' + name.replace('"', '""') + '"'
    await fetch(postgres_server, "postgres", f'CREATE DATABASE {ident} TEMPLATE "{migrated}"')
    await fetch(
        postgres_server,
        name,
        "INSERT INTO outbox (event_id, topic, key, event_type, event, published_at) "
        "VALUES ('recent', 't', 'k', 'x', '{}', now())",
    )
    url = postgres_server.dsn(quote(name, safe=""))
    backup = tmp_path / "backup"
    try:
        done = runner.invoke(app, ["backup", "--database-url", url, "--to", str(backup)])
        assert done.exit_code == 0, done.output
        await fetch(postgres_server, "postgres", f"DROP DATABASE {ident} WITH (FORCE)")
        done = runner.invoke(app, ["restore", "--from", str(backup), "--database-url", url])
        assert done.exit_code == 0, done.output
        rows = await fetch(postgres_server, name, "SELECT published_at IS NULL AS w FROM outbox")
        assert [r["w"] for r in rows] == [True]
    finally:
        await fetch(postgres_server, "postgres", f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)")
