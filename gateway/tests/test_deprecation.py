"""Deprecated routes, from the gateway's settings: Deprecation (RFC 9745), Sunset
(RFC 8594) and Link headers on their answers, 410 Gone after the sunset, and the API
document marking them deprecated."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from pydantic import ValidationError

from agora_gateway.deprecation import Deprecation
from agora_gateway.settings import Settings
from agora_gateway_testing import FakeUpstream, GatewayFactory

DEPRECATED_AT = datetime(2026, 7, 1, tzinfo=UTC)


def _deprecations(sunset: datetime) -> dict[str, Deprecation]:
    return {
        "GET /api/v1/products/*": Deprecation(
            deprecated_at=DEPRECATED_AT,
            sunset_at=sunset,
            successor="/api/v2/products/{id}",
            info="https://agora.dev/docs/api/CHANGELOG.md",
        ),
        "/api/v1/search/**": Deprecation(deprecated_at=DEPRECATED_AT),
    }


async def test_a_deprecated_route_says_so_and_when_it_goes(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    sunset = datetime.now(UTC).replace(microsecond=0) + timedelta(days=180)
    async with start_gateway(deprecations=_deprecations(sunset)) as gateway:
        answer = await gateway.client.get("/api/v1/products/42")
        other_method = await gateway.client.patch("/api/v1/products/42", json={})
        search = await gateway.client.get("/api/v1/search/suggest", params={"q": "mu"})
        untouched = await gateway.client.get("/api/v1/categories")
    assert answer.status_code == 200
    assert fake.seen[0]["path"] == "/api/v1/products/42"  # still served
    assert answer.headers["deprecation"] == f"@{int(DEPRECATED_AT.timestamp())}"
    assert parsedate_to_datetime(answer.headers["sunset"]) == sunset
    assert answer.headers["sunset"].endswith(" GMT")
    assert answer.headers["link"] == (
        '</api/v2/products/{id}>; rel="successor-version", '
        '<https://agora.dev/docs/api/CHANGELOG.md>; rel="deprecation"'
    )
    assert "deprecation" not in other_method.headers  # the rule names GET only
    assert search.headers["deprecation"] == f"@{int(DEPRECATED_AT.timestamp())}"
    assert "sunset" not in search.headers
    assert "link" not in search.headers
    for plain in (other_method, untouched):
        assert "sunset" not in plain.headers


async def test_after_the_sunset_the_route_is_gone(
    start_gateway: GatewayFactory, fake: FakeUpstream
) -> None:
    sunset = datetime.now(UTC) - timedelta(minutes=1)
    async with start_gateway(deprecations=_deprecations(sunset)) as gateway:
        gone = await gateway.client.get("/api/v1/products/42")
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    body = gone.json()
    assert body["type"] == "https://agora.dev/problems/gone"
    assert body["title"] == "Gone"
    assert body["request_id"] == gone.headers["x-request-id"]
    assert gone.headers["sunset"]
    assert 'rel="successor-version"' in gone.headers["link"]
    assert fake.seen == []  # the service never saw it


async def test_the_document_marks_deprecated_operations(start_gateway: GatewayFactory) -> None:
    sunset = datetime(2027, 1, 1, tzinfo=UTC)
    async with start_gateway(deprecations=_deprecations(sunset)) as gateway:
        doc = (await gateway.client.get("/openapi.json")).json()
    product = doc["paths"]["/api/v1/products/{product_id}"]["get"]
    assert product["deprecated"] is True
    assert product["description"].endswith(
        "Deprecated since 2026-07-01; it answers 410 Gone from 2027-01-01; "
        "use `/api/v2/products/{id}` instead."
    )


def test_deprecations_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AGORA_GATEWAY_DEPRECATIONS",
        json.dumps(
            {
                "GET /api/v1/search/suggest": {
                    "deprecated_at": "2026-07-01T00:00:00Z",
                    "sunset_at": "2027-01-01T00:00:00Z",
                    "successor": "/api/v1/search/complete",
                }
            }
        ),
    )
    rule = Settings().deprecations["GET /api/v1/search/suggest"]
    assert rule.sunset_at == datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidationError, match="sunset_at must come after"):
        Deprecation(deprecated_at=DEPRECATED_AT, sunset_at=DEPRECATED_AT)
    with pytest.raises(ValidationError):  # a time without a zone is ambiguous
        Deprecation(deprecated_at=datetime(2026, 7, 1))
