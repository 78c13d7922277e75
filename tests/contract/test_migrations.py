"""Every service's migration history builds its database from nothing, matches its
models (no change without a migration) and can be walked back: each revision's
downgrade leaves the schema exactly as the revision before built it, and its upgrade
then rebuilds exactly the same schema again (docs/adr/0100).

A downgrade that cannot be written raises with its reason, and is listed in
``IRREVERSIBLE`` with that reason; no revision is today.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from alembic import command
from alembic.script import ScriptDirectory

from agora_kit import migrations
from agora_kit.testing.fixtures import PostgresServer

SERVICES = ["user", "catalog", "order", "payment", "notification"]

# (service, revision) whose downgrade raises on purpose, with the words it raises with.
IRREVERSIBLE: dict[tuple[str, str], str] = {}

Schema = dict[str, frozenset[tuple[str, ...]]]

# What a schema is made of, each a set of rows from the catalogue of the database's
# public schema: a change a downgrade forgets to undo shows up as a difference.
CATALOGUE = {
    "tables": "SELECT c.relname, c.relkind::text FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p')",
    "columns": "SELECT table_name, column_name, data_type, COALESCE(udt_name, ''),"
    " COALESCE(character_maximum_length::text, ''), is_nullable, COALESCE(column_default, ''),"
    " is_identity FROM information_schema.columns WHERE table_schema = 'public'",
    "constraints": "SELECT conrelid::regclass::text, conname, contype::text,"
    " pg_get_constraintdef(c.oid) FROM pg_constraint c"
    " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "functions": "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p"
    " JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname = 'public' AND p.prokind = 'f'"
    " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
    "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(t.oid)"
    " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND NOT t.tgisinternal",
    "extensions": "SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql'",
    "types": "SELECT t.typname, t.typtype::text FROM pg_type t"
    " JOIN pg_namespace n ON n.oid = t.typnamespace"
    " WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')",
}


async def schema(conn: asyncpg.Connection) -> Schema:
    return {
        part: frozenset(tuple(str(value) for value in row) for row in await conn.fetch(query))
        for part, query in CATALOGUE.items()
    }


def difference(before: Schema, after: Schema) -> dict[str, object]:
    return {
        part: {"missing": before[part] - after[part], "extra": after[part] - before[part]}
        for part in before
        if before[part] != after[part]
    }


def history(package: str, url: str) -> list[str]:
    """The revisions from the first to head."""
    script = ScriptDirectory.from_config(migrations.alembic_config(package, url))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize("service", SERVICES)
async def test_history_builds_matches_models_and_reverses(
    service: str, postgres_server: PostgresServer
) -> None:
    name = await postgres_server.create_database(service)
    url = postgres_server.url(name)
    package = f"agora_{service}"
    config = migrations.alembic_config(package, url)
    conn = await asyncpg.connect(postgres_server.dsn(name))
    try:
        empty = await schema(conn)
        built = {"base": empty}
        previous = "base"
        for revision in history(package, url):
            await asyncio.to_thread(migrations.upgrade, package, url, revision)
            built[revision] = await schema(conn)
            reason = IRREVERSIBLE.get((service, revision))
            if reason is not None:
                with pytest.raises(Exception, match=reason):
                    await asyncio.to_thread(command.downgrade, config, previous)
                previous = revision
                continue
            await asyncio.to_thread(command.downgrade, config, previous)
            after_down = await schema(conn)
            if previous == "base":
                # What remains of nothing: Alembic's own table.
                assert {row[0] for row in after_down["tables"]} == {"alembic_version"}
            else:
                assert after_down == built[previous], (
                    f"{service} {revision}: its downgrade does not give back {previous}'s"
                    f" schema: {difference(built[previous], after_down)}"
                )
            await asyncio.to_thread(migrations.upgrade, package, url, revision)
            assert await schema(conn) == built[revision], (
                f"{service} {revision}: upgraded again, its schema differs:"
                f" {difference(built[revision], await schema(conn))}"
            )
            previous = revision

        assert {"outbox", "inbox", "dead_letter", "alembic_version"} <= {
            row[0] for row in built[previous]["tables"]
        }
        # Raises when the models hold a change that no migration describes.
        await asyncio.to_thread(migrations.check, package, url)
        # No walk from head to base and back after this: it runs the same downgrades
        # and upgrades, each from the schema it was checked from above.
    finally:
        await conn.close()
        await postgres_server.drop_database(name)


async def test_payout_hold_downgrade_refuses_to_lose_untransferred_payouts(
    postgres_server: PostgresServer,
) -> None:
    """Below payment 0004 every payout has a transfer; a held one cannot be written
    there, so the downgrade refuses and leaves everything as it was."""
    name = await postgres_server.create_database("payment_hold")
    url = postgres_server.url(name)
    config = migrations.alembic_config("agora_payment", url)
    conn = await asyncpg.connect(postgres_server.dsn(name))
    try:
        await asyncio.to_thread(migrations.upgrade, "agora_payment", url)
        await conn.execute(
            "INSERT INTO payments (id, order_id, buyer_id, amount, currency, status, provider,"
            " provider_intent_id, client_secret, refunded_amount, vendor_amounts) VALUES"
            " (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 1000, 'EUR',"
            " 'succeeded', 'sandbox', 'pi_held', 'secret', 0, '{}')"
        )
        await conn.execute(
            "INSERT INTO payouts (id, payment_id, vendor_id, gross, fee, amount, currency,"
            " status, release_at) SELECT gen_random_uuid(), id, gen_random_uuid(), 1000, 100,"
            " 900, 'EUR', 'held', now() + interval '7 days' FROM payments"
        )
        head = await conn.fetchval("SELECT version_num FROM alembic_version")
        with pytest.raises(RuntimeError, match="1 payouts have no transfer"):
            await asyncio.to_thread(command.downgrade, config, "0003")
        assert await conn.fetchval("SELECT version_num FROM alembic_version") == head
        assert await conn.fetchval("SELECT status FROM payouts") == "held"
    finally:
        await conn.close()
        await postgres_server.drop_database(name)
