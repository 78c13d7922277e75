"""``agora run`` as a newcomer uses it: the whole fleet comes up ready, stops cleanly on
SIGTERM, and keeps its data between runs unless started ``--fresh``."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from agora_tools.deploy_testing import AllInOne


class Fleet(AllInOne):
    def query(self, sql: str) -> list[asyncpg.Record]:
        async def fetch() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(
                f"postgresql://postgres@127.0.0.1:{self.pg_port}/agora_catalog"
            )
            try:
                return list(await conn.fetch(sql))
            finally:
                await conn.close()

        return asyncio.run(fetch())


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    the_fleet = Fleet(tmp_path / "data")
    yield the_fleet
    the_fleet.kill()


def pg_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_agora_run_serves_every_part_and_keeps_data_between_runs(fleet: Fleet) -> None:
    fleet.start("--fresh")
    # Every port moved, the user service's too: tokens must still verify, so the
    # others find the user service's keys where it really listens.
    gateway = f"http://127.0.0.1:{fleet.ports['gateway']}/api/v1"
    account = {"email": "ada@example.com", "password": "correct horse battery 42"}
    registered = httpx.post(f"{gateway}/auth/register", json={**account, "full_name": "Ada"})
    assert registered.status_code == 201, registered.text
    tokens = httpx.post(f"{gateway}/auth/login", json=account).json()
    store = httpx.post(
        f"{gateway}/vendors",
        json={"name": "Ada's Analytical Engines", "description": "Gears"},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert store.status_code == 201, store.text
    for part, port in fleet.ports.items():
        body = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
        assert body["status"] == "ok", body
        assert body["service"] == part
        docs = httpx.get(f"http://127.0.0.1:{port}/docs")
        assert docs.status_code == 200
        r = httpx.get(f"http://127.0.0.1:{port}/no-such-page")
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
    fleet.query("CREATE TABLE kept (note text)")
    fleet.query("INSERT INTO kept VALUES ('still here')")

    assert fleet.stop() == 0, fleet.tail()
    assert not pg_accepts(fleet.pg_port), "PostgreSQL must stop with agora"

    fleet.start()
    assert [r["note"] for r in fleet.query("SELECT note FROM kept")] == ["still here"]
    assert fleet.stop() == 0, fleet.tail()

    fleet.start("--fresh")
    rows = fleet.query("SELECT to_regclass('kept') AS t")
    assert rows[0]["t"] is None, "--fresh must wipe the data"

    assert fleet.stop() == 0, fleet.tail()
