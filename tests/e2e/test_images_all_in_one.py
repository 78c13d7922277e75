"""Product images on ``agora run``, through its gateway: a vendor uploads a photo with
EXIF, the catalog answers at once, the thumbnails follow, and the gateway serves the
original and each thumbnail from the local image store with year-long caching
(ADR 0103)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from agora_tools import journeys
from agora_tools.deploy_testing import AllInOne
from agora_tools.fleetdb import create_admin_in_run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

API = journeys.API


@pytest.fixture
def agora_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AllInOne]:
    run = AllInOne(tmp_path_factory.mktemp("agora-run-images") / "data")
    try:
        run.start("--fresh", timeout=180)
        yield run
        assert run.stop() == 0, run.tail()
    finally:
        run.kill()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


def photo() -> bytes:
    tags = Image.Exif()
    tags[0x010F] = "SecretCam"
    out = io.BytesIO()
    Image.new("RGB", (2000, 1500), (10, 120, 200)).save(out, "JPEG", exif=tags.tobytes())
    return out.getvalue()


def test_an_uploaded_image_is_served_with_thumbnails(agora_run: AllInOne) -> None:
    gateway = agora_run.url("gateway")
    with httpx.Client(base_url=gateway, timeout=30) as client:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
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
            listed = ok(client.get(images, headers=mine))["items"]
            if listed[0]["state"] == "ready" or time.monotonic() > deadline:
                break
            time.sleep(0.2)

    image = listed[0]
    assert image["state"] == "ready", image
    urls = [image["url"], *image["thumbnails"].values()]
    assert len(urls) == 4
    for url in urls:
        assert url.startswith(f"{gateway}/media/products/{product['id']}/"), url
        served = httpx.get(url, timeout=10)
        assert served.status_code == 200, url
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert served.headers["etag"]
        assert b"SecretCam" not in served.content
    large = httpx.get(image["thumbnails"]["large"], timeout=10)
    assert large.headers["content-type"] == "image/webp"
    with Image.open(io.BytesIO(large.content)) as thumb:
        assert thumb.size == (1200, 900)
    original = (agora_run.data_dir / "media").rglob("original.jpg")
    assert len(list(original)) == 1
