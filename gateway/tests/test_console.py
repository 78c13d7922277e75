"""The web console served at /console/ (ADR 0106): a strict Content-Security-Policy,
index.html for the console's client-side routes and revalidated on every visit, hashed
assets cacheable for a year, a missing asset a 404."""

from __future__ import annotations

from pathlib import Path

from agora_gateway.console import REVALIDATE
from agora_gateway.hardening import CONSOLE_CSP
from agora_gateway_testing import GatewayFactory

INDEX = '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>'


IMMUTABLE = "public, max-age=31536000, immutable"


def _build(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text("console.log('console')")
    return dist


async def test_the_console_is_served_with_its_csp_and_caching(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    async with start_gateway(console_dir=str(_build(tmp_path))) as gateway:
        index = await gateway.client.get("/console/")
        assert index.status_code == 200
        assert index.text == INDEX
        assert index.headers["content-type"].startswith("text/html")
        assert index.headers["cache-control"] == REVALIDATE
        assert index.headers["content-security-policy"] == CONSOLE_CSP
        assert "script-src 'self';" in CONSOLE_CSP
        assert "unsafe-inline" not in CONSOLE_CSP
        assert index.headers["x-frame-options"] == "DENY"

        script = await gateway.client.get("/console/assets/index-abc123.js")
        assert script.status_code == 200
        assert script.headers["cache-control"] == IMMUTABLE
        assert "javascript" in script.headers["content-type"]
        assert script.headers["content-security-policy"] == CONSOLE_CSP
        again = await gateway.client.get(
            "/console/assets/index-abc123.js", headers={"If-None-Match": script.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.headers["cache-control"] == IMMUTABLE

        # A client-side route is the app's page; a missing asset is not.
        for route in ("/console/vendor/orders", "/console/admin/vendors?status=pending"):
            page = await gateway.client.get(route)
            assert page.status_code == 200, route
            assert page.text == INDEX
            assert page.headers["cache-control"] == REVALIDATE
        missing = await gateway.client.get("/console/assets/index-gone.js")
        assert missing.status_code == 404
        assert "cache-control" not in missing.headers

        bare = await gateway.client.get("/console")
        assert bare.status_code == 308
        assert bare.headers["location"] == "/console/"

        # The API keeps its own, stricter policy.
        api = await gateway.client.get("/api/v1/nothing-here")
        assert api.headers["content-security-policy"].startswith("default-src 'none'; frame")


async def test_nothing_outside_the_console_build_is_served(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    dist = _build(tmp_path)
    (tmp_path / "secret.txt").write_text("do not serve")
    async with start_gateway(console_dir=str(dist)) as gateway:
        answer = await gateway.client.get("/console/%2e%2e/secret.txt")
        assert "do not serve" not in answer.text


async def test_without_a_console_build_setting_nothing_is_served(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway() as gateway:
        assert gateway.settings.console_dir == ""
        response = await gateway.client.get("/console/")
        assert response.status_code == 404
