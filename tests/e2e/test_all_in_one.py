"""``agora run`` as a newcomer uses it: the whole fleet comes up ready, stops cleanly on
SIGTERM, and keeps its data between runs unless started ``--fresh``; an image uploaded
through its gateway gets its thumbnails and is served from ``/media/`` with year-long
caching, before and after a restart (ADR 0103)."""

from __future__ import annotations

import asyncio
import io
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from PIL import Image

from agora_tools import journeys
from agora_tools.deploy_testing import AllInOne, ok
from agora_tools.fleetdb import create_admin_in_run

API = journeys.API
IMMUTABLE = "public, max-age=31536000, immutable"


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


def photo() -> bytes:
    tags = Image.Exif()
    tags[0x010F] = "SecretCam"
    out = io.BytesIO()
    Image.new("RGB", (2000, 1500), (10, 120, 200)).save(out, "JPEG", exif=tags.tobytes())
    return out.getvalue()


def upload_an_image(fleet: Fleet) -> dict[str, Any]:
    """A vendor's product with an uploaded photo, once its thumbnails are made."""
    with httpx.Client(base_url=fleet.url("gateway"), timeout=30) as client:
        admin = create_admin_in_run(fleet.data_dir, fleet.env)
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        mine = {"Authorization": f"Bearer {vendor.access_token}"}
        category = ok(
            client.post(
                f"{API}/categories",
                json={"name": "Cameras"},
                headers={"Authorization": f"Bearer {admin.access_token}"},
            ),
            201,
        )
        product = ok(
            client.post(
                f"{API}/products",
                json={"title": "A camera", "category_id": category["id"]},
                headers=mine,
            ),
            201,
        )
        images = f"{API}/products/{product['id']}/images"
        made = ok(
            client.post(images, files={"file": ("a.jpg", photo(), "image/jpeg")}, headers=mine),
            201,
        )
        assert made["state"] == "processing"
        deadline = time.monotonic() + 30
        while True:
            [image] = ok(client.get(images, headers=mine))["items"]
            if image["state"] != "processing" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert image["state"] == "ready", image
    assert image["url"].startswith(f"{fleet.url('gateway')}/media/products/{product['id']}/")
    result: dict[str, Any] = image
    return result


def assert_served(image: dict[str, Any]) -> None:
    urls = [image["url"], *image["thumbnails"].values()]
    assert len(urls) == 4
    for url in urls:
        served = httpx.get(url, timeout=10)
        assert served.status_code == 200, url
        assert served.headers["cache-control"] == IMMUTABLE
        assert served.headers["etag"]
        assert b"SecretCam" not in served.content
    large = httpx.get(image["thumbnails"]["large"], timeout=10)
    assert large.headers["content-type"] == "image/webp"
    with Image.open(io.BytesIO(large.content)) as thumb:
        assert thumb.size == (1200, 900)


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
    image = upload_an_image(fleet)
    assert_served(image)
    assert len(list((fleet.data_dir / "media").rglob("original.jpg"))) == 1

    assert fleet.stop() == 0, fleet.tail()
    assert not pg_accepts(fleet.pg_port), "PostgreSQL must stop with agora"

    fleet.start()
    assert [r["note"] for r in fleet.query("SELECT note FROM kept")] == ["still here"]
    assert_served(image)
    assert fleet.stop() == 0, fleet.tail()

    fleet.start("--fresh")
    rows = fleet.query("SELECT to_regclass('kept') AS t")
    assert rows[0]["t"] is None, "--fresh must wipe the data"

    assert fleet.stop() == 0, fleet.tail()
