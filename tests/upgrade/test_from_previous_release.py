"""Each service's database as the previous release left it, with rows in it, upgraded
to head: every row is still there with the same values, every column a later migration
added holds what that migration promised, and the service's own tables read every row.
Then back down to the release and up again, as a rollback and a retry would
(docs/adr/0100-upgrades-tested-from-the-previous-release.md).

The release's revisions are in ``releases.toml``; its rows in ``fixtures/<service>.sql``,
plain SQL written for that release's schema (its first line names the revision).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import create_async_engine

from agora_kit import migrations
from agora_kit.events.tables import metadata as event_metadata
from agora_kit.idempotency import metadata as idempotency_metadata
from agora_kit.testing.fixtures import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
PREVIOUS = tomllib.loads((ROOT / "releases.toml").read_text())["previous"]
SERVICES = ["user", "catalog", "order", "payment", "notification"]

Row = dict[str, Any]
Tables = dict[str, dict[str, Row]]

# What a later migration puts in each column it adds to a table that held rows: a
# function of the row as the release wrote it. A column added without an entry here
# fails the test, so every back-fill is stated and checked.
ADDED: dict[str, dict[str, dict[str, Callable[[Row], Any]]]] = {
    "user": {
        # 0003: the sign-in of a session made before is its creation.
        "sessions": {"authenticated_at": lambda row: row["created_at"]},
        # 0005: no account had a phone number, no code was texted (ADR 0117).
        "users": {"phone": lambda row: None, "phone_verified_at": lambda row: None},
        "one_time_tokens": {"phone": lambda row: None},
    },
    "catalog": {
        # 0007: no store had onboarded with Stripe Connect (ADR 0104).
        "vendors": {"kyc_status": lambda row: None, "kyc_updated_at": lambda row: None},
        # 0008: no cover yet; the thumbnail worker gives one at start to products with
        # ready uploads (the URL needs the image store's settings) (ADR 0109).
        "products": {"cover_image_url": lambda row: None},
    },
    "order": {
        # 0003: nothing was discounted per vendor, and coupons were vendor-funded.
        # 0008: the order held shipping and tax, no store had zones, and a store was
        # owed its subtotal less its discount (ADR 0113).
        "sub_orders": {
            "discount_amount": lambda row: 0,
            "shipping_amount": lambda row: 0,
            "tax_amount": lambda row: 0,
            "shipping_zone_id": lambda row: None,
            "shipping_zone_name": lambda row: None,
            "payable_amount": lambda row: row["subtotal_amount"] - row.get("discount_amount", 0),
        },
        "coupons": {"funded_by": lambda row: "vendor"},
        "orders": {
            "discount_funded_by": lambda row: "vendor",
            "tax_rate_bps": lambda row: None,
            "tax_included": lambda row: False,
            "tax_source": lambda row: None,
        },
    },
    "payment": {
        # 0004: no platform-funded discount before; payouts were transferred at once.
        "payments": {"vendor_list_amounts": lambda row: {}},
        "payouts": {
            "status": lambda row: "paid",
            "release_at": lambda row: None,
            # 0008: paid when made.
            "paid_at": lambda row: row["created_at"],
        },
    },
    "notification": {
        # 0005: who answers support is learned from user events from now on (ADR 0119);
        # an admin of the release is known at their next role change.
        "contacts": {"admin": lambda row: False},
    },
}

# Order 0007 and payment 0011 add no column: they let ``orders.shipping_address`` and
# ``payments.client_secret`` be NULL (an erased buyer's, ADR 0112), so every row keeps
# its values and nothing is back-filled. Order 0009 adds only new tables (returns,
# their lines and moves, ADR 0116), which the check below finds empty.

# Tables a later migration dropped, and where their rows went (checked separately).
DROPPED = {"order": {"checkout_keys"}}

# Tables created after the release that an upgrade fills from the release's rows; any
# other new table must be empty.
FILLED = {"order": {"idempotency_keys"}}

# Rows an upgrade forgets on purpose, so a rollback cannot bring them back: the order
# service's 0004 carries only checkout keys of the last day that placed an order.
FORGOTTEN = {"order": {"checkout_keys": {"checkout-old", "checkout-failed"}}}


def service_metadata(service: str) -> list[MetaData]:
    models = __import__(f"agora_{service}.models", fromlist=["Base"])
    shared = [idempotency_metadata] if service in ("catalog", "order", "payment") else []
    return [models.Base.metadata, event_metadata, *shared]


async def snapshot(conn: asyncpg.Connection) -> Tables:
    """Every row of every table but ``alembic_version``, keyed by its primary key."""
    out: Tables = {}
    tables = await conn.fetch(
        "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version'"
    )
    for table in tables:
        key = await conn.fetch(
            "SELECT a.attname FROM pg_index i"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = $1 AND i.indisprimary ORDER BY a.attname",
            table["oid"],
        )
        assert key, f"{table['relname']} has no primary key"
        rows = await conn.fetch(f'SELECT to_jsonb(t) AS row FROM "{table["relname"]}" t')
        by_key: dict[str, Row] = {}
        for record in rows:
            row = json.loads(record["row"])
            by_key["|".join(str(row[column["attname"]]) for column in key)] = row
        out[table["relname"]] = by_key
    return out


def compare_upgraded(service: str, before: Tables, after: Tables) -> None:
    added = ADDED.get(service, {})
    for table, rows in before.items():
        if table in DROPPED.get(service, set()):
            assert table not in after, f"{table} was to be dropped"
            continue
        assert table in after, f"{service}: table {table} is gone"
        assert set(after[table]) == set(rows), f"{service}: rows of {table} differ"
        for key, old in rows.items():
            new = after[table][key]
            gone = set(old) - set(new)
            assert not gone, f"{service}: columns {gone} of {table} are gone"
            for column, value in old.items():
                assert new[column] == value, f"{service}: {table}.{column} of {key} changed"
            for column in set(new) - set(old):
                assert column in added.get(table, {}), (
                    f"{service}: {table}.{column} was added to rows of the release; say in"
                    " ADDED what it holds"
                )
                expected = added[table][column](old)
                assert new[column] == expected, f"{service}: {table}.{column} of {key}"
    for table in set(after) - set(before) - FILLED.get(service, set()):
        assert not after[table], f"{service}: new table {table} holds rows"


def check_carried(service: str, before: Tables, after: Tables) -> None:
    """Where the dropped tables' rows went."""
    if service != "order":
        return
    keys = after["idempotency_keys"]
    assert len(keys) == 1, keys
    (carried,) = keys.values()
    (recent,) = (row for row in before["checkout_keys"].values() if row["key"] == "checkout-recent")
    assert carried == {
        "owner": recent["buyer_id"],
        "key": "checkout-recent",
        "fingerprint": recent["fingerprint"],
        "status_code": 202,
        "response": {"id": recent["order_id"]},
        "location": f"/api/v1/orders/{recent['order_id']}",
        "created_at": recent["created_at"],
    }


def expected_after_rollback(service: str, release: Tables) -> Tables:
    forgotten = FORGOTTEN.get(service, {})
    return {
        table: {
            key: row
            for key, row in rows.items()
            if row.get("key") not in forgotten.get(table, set())
        }
        for table, rows in release.items()
    }


async def read_through_models(service: str, url: str, after: Tables) -> None:
    """The service's own table definitions read every row (types, JSON, arrays)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            for metadata in service_metadata(service):
                for table in metadata.sorted_tables:
                    rows = (await conn.execute(select(table))).all()
                    assert len(rows) == len(after[table.name]), table.name
    finally:
        await engine.dispose()


def test_every_service_has_a_release_and_fixtures_for_it() -> None:
    assert set(PREVIOUS["revisions"]) == set(PREVIOUS["digests"]) == set(SERVICES)
    for service, revision in PREVIOUS["revisions"].items():
        first = (FIXTURES / f"{service}.sql").read_text().splitlines()[0]
        assert first == f"-- revision: {revision}", (
            f"fixtures/{service}.sql is written for another revision than releases.toml"
            f" records ({revision}): rewrite it for that schema"
        )


def released_digest(service: str, revision: str) -> str:
    """sha256 of the scripts from the first migration up to ``revision``."""
    config = migrations.alembic_config(f"agora_{service}", "postgresql+asyncpg://unused/")
    scripts = ScriptDirectory.from_config(config).walk_revisions("base", revision)
    digest = hashlib.sha256()
    for script in reversed(list(scripts)):
        assert script.path is not None
        path = Path(script.path)
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("service", SERVICES)
def test_released_migrations_are_unchanged(service: str) -> None:
    """What builds the release's schema here is what built it in the release."""
    digest = released_digest(service, PREVIOUS["revisions"][service])
    assert digest == PREVIOUS["digests"][service], (
        f"a migration of {service} released in {PREVIOUS['version']} was edited: write a new"
        f" migration instead (or, recording a new release, its digest is {digest})"
    )


@pytest.mark.parametrize("service", SERVICES)
async def test_upgrade_from_previous_release_keeps_every_row(
    service: str, postgres_server: PostgresServer
) -> None:
    package = f"agora_{service}"
    release = PREVIOUS["revisions"][service]
    name = await postgres_server.create_database(f"{service}_upgrade")
    url = postgres_server.url(name)
    config = migrations.alembic_config(package, url)
    conn = await asyncpg.connect(postgres_server.dsn(name))
    try:
        await asyncio.to_thread(migrations.upgrade, package, url, release)
        await conn.execute((FIXTURES / f"{service}.sql").read_text())
        before = await snapshot(conn)
        empty = sorted(table for table, rows in before.items() if not rows)
        assert not empty, f"fixtures/{service}.sql leaves tables empty: {empty}"

        await asyncio.to_thread(migrations.upgrade, package, url)
        upgraded = await snapshot(conn)
        compare_upgraded(service, before, upgraded)
        check_carried(service, before, upgraded)
        await read_through_models(service, url, upgraded)

        # A rollback to the release gives back its rows; upgrading again gives the same.
        await asyncio.to_thread(command.downgrade, config, release)
        assert await snapshot(conn) == expected_after_rollback(service, before)
        await asyncio.to_thread(migrations.upgrade, package, url)
        assert await snapshot(conn) == upgraded
    finally:
        await conn.close()
        await postgres_server.drop_database(name)
