"""The `agora run` image store served at /media/: year-long immutable caching with an
ETag, the content type from the file's extension, and nothing outside the directory
(ADR 0103). And the upload route's larger body limit."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from agora_gateway_testing import GatewayFactory

IMMUTABLE = "public, max-age=31536000, immutable"


def _webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 16), "green").save(out, "WEBP")
    return out.getvalue()


async def _raw_get(url: str, target: str) -> bytes:
    """The answer to a request line sent as written (clients tidy ``..`` away)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


async def test_media_files_are_served_cacheable_and_typed(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    (media / "products/p/i").mkdir(parents=True)
    webp = _webp()
    (media / "products/p/i/small.webp").write_bytes(webp)
    (media / "products/p/i/original.jpg").write_bytes(b"\xff\xd8jpeg")
    (media / "products/p/i/original.png").write_bytes(b"\x89PNG")

    async with start_gateway(media_dir=str(media)) as gateway:
        response = await gateway.client.get("/media/products/p/i/small.webp")
        assert response.status_code == 200
        assert response.content == webp
        assert response.headers["content-type"] == "image/webp"
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["x-content-type-options"] == "nosniff"
        etag = response.headers["etag"]

        again = await gateway.client.get(
            "/media/products/p/i/small.webp", headers={"If-None-Match": etag}
        )
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["cache-control"] == IMMUTABLE

        for name, kind in (("original.jpg", "image/jpeg"), ("original.png", "image/png")):
            typed = await gateway.client.get(f"/media/products/p/i/{name}")
            assert typed.headers["content-type"] == kind

        missing = await gateway.client.get("/media/products/p/i/large.webp")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert "cache-control" not in missing.headers


async def test_nothing_outside_the_media_directory_is_served(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (tmp_path / "secret.txt").write_text("do not serve")
    (media / "link.txt").symlink_to(tmp_path / "secret.txt")

    async with start_gateway(media_dir=str(media)) as gateway:
        for target in (
            "/media/../secret.txt",
            "/media/%2e%2e/secret.txt",
            "/media/%2E%2E%2Fsecret.txt",
            "/media/..%2fsecret.txt",
            "/media/link.txt",
            "/media//etc/passwd",
        ):
            answer = await _raw_get(gateway.url, target)
            assert b"do not serve" not in answer, target
            assert b"root:" not in answer, target
            status = int(answer.split(b" ", 2)[1])
            assert status in (400, 404), (target, answer[:200])


async def test_without_a_media_directory_media_is_not_served(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway() as gateway:
        assert gateway.settings.media_dir == ""
        response = await gateway.client.get("/media/products/p/i/small.webp")
        # Not a route of its own: a path no service owns.
        assert response.status_code == 404


async def test_an_image_upload_may_be_larger_than_other_bodies(
    start_gateway: GatewayFactory,
) -> None:
    body = b"x" * 3_000_000
    async with start_gateway() as gateway:
        other = await gateway.client.post("/api/v1/products", content=body)
        upload = await gateway.client.post("/api/v1/products/p1/images", content=body)
        too_large = await gateway.client.post(
            "/api/v1/products/p1/images", content=b"x" * (11 * 1024 * 1024)
        )

    assert other.status_code == 413
    assert upload.status_code != 413
    assert too_large.status_code == 413
