"""The GDPR export composed at the edge (ADR 0112): ``GET /api/v1/users/me/export`` is
answered by the user service first (the account, sessions, keys, mails), then the
gateway asks each other service for what it holds about the same person at its
internal ``/internal/users/{user_id}/export`` (``agora_kit.personal``) and adds each
answer as a section named after the service. One export holds everything or is not
given: a service that cannot answer makes it a 503, never a silent gap."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from opentelemetry import propagate

from agora_gateway.client import Answer, ProtocolFailure, ReadTimeout, UpstreamClient
from agora_gateway.routes import API
from agora_gateway.runtime import Gateway
from agora_gateway.upstream import ReplayableBody, failed_after_sending
from agora_kit.errors import ServiceUnavailable
from agora_kit.personal import EXPORT_PATH as SECTION_PATH
from agora_kit.serving import SERVICE_TOKEN_HEADER

EXPORT_PATH = f"{API}/users/me/export"
# The services whose sections join the user service's document, in this order.
SECTIONS = ("catalog", "order", "payment", "notification")


def composes(method: str, path: str, status: int) -> bool:
    """Whether this answer of the user service is the start of a composed export."""
    return method == "GET" and path.rstrip("/") == EXPORT_PATH and status == 200


async def compose(
    gateway: Gateway,
    client: UpstreamClient,
    upstream: Answer,
    *,
    user_id: str,
    request_id: str,
) -> dict[str, Any]:
    """The user service's document with every other service's section added; raises
    an ``UpstreamError`` or a 503 problem when one cannot answer."""
    document: dict[str, Any] = json.loads(await _read(upstream, "user"))
    sections = await asyncio.gather(
        *(_section(gateway, client, name, user_id, request_id) for name in SECTIONS)
    )
    document.update(zip(SECTIONS, sections, strict=True))
    return document


async def _section(
    gateway: Gateway, client: UpstreamClient, service: str, user_id: str, request_id: str
) -> Any:
    headers = [(SERVICE_TOKEN_HEADER, gateway.service_token), ("x-request-id", request_id)]
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    headers.extend(carrier.items())
    response = await gateway.upstreams.send(
        client,
        service,
        "GET",
        gateway.upstreams.base_urls[service] + SECTION_PATH.format(user_id=user_id),
        headers=headers,
        body=ReplayableBody(None),
        timeout_seconds=gateway.route_timeout("GET", EXPORT_PATH),
    )
    body = await _read(response, service)
    if response.status_code != 200:
        raise ServiceUnavailable(
            f"The {service} service could not export its part ({response.status_code});"
            " the export is not given incomplete. Retry later.",
            headers={"Retry-After": "5"},
        )
    return json.loads(body)


async def _read(answer: Answer, service: str) -> bytes:
    """The answer's body; one cut off or stalled midway fails the export as a failed
    request would (``UpstreamError``)."""
    try:
        return await answer.read()
    except (ReadTimeout, ProtocolFailure) as exc:
        raise failed_after_sending(service, exc) from exc
