"""``agora backup`` of a running ``agora run`` with orders in it, ``agora restore`` into
a fresh data directory, and the restored Agora started: the chaos audit finds its
orders, payments, ledger and stock consistent and the same as before, and the buyers
sign in and see their orders."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from agora_cli.backup import Database
from agora_kit.testing.fixtures import free_port
from agora_tools import chaos_audit, fleetdb, journeys
from agora_tools.deploy_testing import AllInOne, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

SERVICES = ("agora_user", "agora_catalog", "agora_order", "agora_payment", "agora_notification")


def agora(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [str(Path(sys.executable).parent / "agora"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def count(run: AllInOne, database: str, table: str) -> int:
    found = asyncio.run(
        fleetdb.rows(run.database_url(database), f"SELECT count(*) AS n FROM {table}")
    )
    return int(found[0]["n"])


def audit(
    run: AllInOne, shop: chaos_audit.Shop, orders: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """The chaos audit, on ``run``'s databases (it reads ``fleetdb.url``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fleetdb, "url", run.database_url)
        wait_for(lambda: asyncio.run(chaos_audit.unsettled(orders)) == 0, 120, "settled")
        return asyncio.run(chaos_audit.audit(shop, orders))


def place_orders(run: AllInOne) -> tuple[chaos_audit.Shop, list[str], list[journeys.Customer]]:
    """Two confirmed orders and one declined, then one refunded after confirming."""
    with (
        httpx.Client(base_url=run.url("gateway"), timeout=30) as client,
        httpx.Client(base_url=run.url("user"), timeout=30) as users,
    ):
        admin = fleetdb.create_admin(run.database_url("agora_user"))
        journeys.log_in(users, admin)
        vendor = journeys.register(users)
        journeys.log_in(users, vendor)
        journeys.open_store(client, vendor, admin)
        sku = journeys.sell(client, vendor, admin, stock=10)
        buyers = journeys.buyers_for(users, client, [sku], 3)
        orders = []
        for buyer, method in zip(
            buyers, ("pm_card_visa", "pm_card_visa", "pm_card_chargeDeclined"), strict=True
        ):
            journeys.add_to_cart(client, buyer, sku, 2)
            orders.append(journeys.check_out(client, buyer, payment_method=method))
        for order_id, buyer, status in zip(
            orders, buyers, ("confirmed", "confirmed", "cancelled"), strict=True
        ):
            journeys.order_in(client, buyer, order_id, status)
    shop = chaos_audit.Shop(admin=admin, skus={sku: 10}, coupon="NO-COUPON", buyers=buyers)
    return shop, orders, buyers


def test_database_url_keeps_the_password_out_of_the_command_line() -> None:
    db = Database.parse("postgresql+asyncpg://agora:s%40cret@db.internal:5433/agora_order")
    assert db == Database(
        "agora_order", "postgresql://agora@db.internal:5433/agora_order", "s@cret"
    )
    assert db.sibling("postgres").uri == "postgresql://agora@db.internal:5433/postgres"


def test_a_backup_with_orders_restores_into_a_fresh_server_and_audits_clean(
    tmp_path: Path,
) -> None:
    source = AllInOne(tmp_path / "source" / "data")
    restored = AllInOne(tmp_path / "restored" / "data")
    backup = tmp_path / "backup"
    for run in (source, restored):
        run.log.parent.mkdir(parents=True)
    try:
        source.start("--fresh", timeout=180)
        shop, orders, buyers = place_orders(source)
        before, problems = audit(source, shop, orders)
        assert problems == [], problems
        assert before["orders"] == {"confirmed": 2, "cancelled": 1}
        inbox = {name: count(source, name, "inbox") for name in SERVICES}

        # While it runs: the backup attaches to its PostgreSQL.
        done = agora("backup", "--data-dir", str(source.data_dir), "--to", str(backup))
        assert done.returncode == 0, done.stderr
        assert source.stop() == 0, source.tail()

        manifest = json.loads((backup / "manifest.json").read_text())
        assert manifest["dump_order"][0] == "agora_events"
        assert set(manifest["databases"]) == {"agora_events", *SERVICES}
        for name in SERVICES:
            entry = manifest["databases"][name]
            assert entry["alembic_heads"], name
            assert (backup / entry["file"]).stat().st_size == entry["bytes"]
            assert set(entry["rows"]) == {"outbox", "inbox", "dead_letter"}
        assert manifest["databases"]["agora_order"]["rows"]["outbox"] > 0
        assert manifest["databases"]["agora_events"]["rows"]["event_log"] > 0
        assert manifest["postgresql"].startswith("18")

        env = {**restored.env, "AGORA_POSTGRES_PORT": str(free_port())}
        done = agora(
            "restore", "--from", str(backup), "--data-dir", str(restored.data_dir), env=env
        )
        assert done.returncode == 0, done.stderr
        restored.start(timeout=180)
        after, problems = audit(restored, shop, orders)
        assert problems == [], problems
        assert after == before
        # The last minutes' events were published again; the inboxes dropped them.
        wait_for(
            lambda: all(count(restored, name, "inbox") == n for name, n in inbox.items()),
            60,
            "inboxes as before",
        )
        with httpx.Client(base_url=restored.url("gateway"), timeout=30) as client:
            for buyer, order_id in zip(buyers, orders, strict=True):
                journeys.log_in(client, buyer)
                mine = client.get(
                    f"{journeys.API}/orders/{order_id}",
                    headers={"Authorization": f"Bearer {buyer.access_token}"},
                )
                assert mine.status_code == 200, mine.text

        # A server that holds the databases already is not an empty one.
        again = agora("restore", "--from", str(backup), "--data-dir", str(restored.data_dir))
        assert again.returncode == 1
        assert "not empty" in again.stderr
        assert restored.stop() == 0, restored.tail()
    finally:
        source.kill()
        restored.kill()
