"""Which service answers which public path, and the plain pass-through that forwards
a request there. Only the public paths of API.md are routed: a service's internal
endpoints (``/internal/...``) have no route here, so the outside never reaches them."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse

from agora_kit.errors import NotFound, ServiceUnavailable

API = "/api/v1"

# Longest prefix first, so /admin/users goes to user and /admin/vendors to catalog.
ROUTES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        (
            ("/.well-known/jwks.json", "user"),
            (f"{API}/auth", "user"),
            (f"{API}/users", "user"),
            (f"{API}/admin/users", "user"),
            (f"{API}/vendors", "catalog"),
            (f"{API}/admin/vendors", "catalog"),
            (f"{API}/categories", "catalog"),
            (f"{API}/products", "catalog"),
            (f"{API}/inventory", "catalog"),
            (f"{API}/search", "catalog"),
            (f"{API}/cart", "order"),
            (f"{API}/checkout", "order"),
            (f"{API}/orders", "order"),
            (f"{API}/vendor/orders", "order"),
            (f"{API}/admin/coupons", "order"),
            (f"{API}/payments", "payment"),
            (f"{API}/admin/payments", "payment"),
            (f"{API}/notifications", "notification"),
        ),
        key=lambda route: -len(route[0]),
    )
)

# RFC 9110 hop-by-hop headers: they describe one connection, not the message.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    }
)


# Headers the gateway's own server writes; copying the upstream's would send them twice.
_SET_BY_GATEWAY = frozenset({"x-request-id", "date", "server"})


def upstream_for(path: str) -> str | None:
    for prefix, service in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None


router = APIRouter(include_in_schema=False)


@router.api_route(
    "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
)
async def pass_through(request: Request, path: str) -> StreamingResponse:
    service = upstream_for(request.url.path)
    if service is None:
        raise NotFound(f"No route for {request.url.path}")
    base_url: str = request.app.state.upstreams[service]
    client: httpx.AsyncClient = request.app.state.http_client
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
    headers.append(("x-request-id", request.state.request_id))
    if request.client is not None:
        headers.append(("x-forwarded-for", request.client.host))
    headers.append(("x-forwarded-proto", request.url.scheme))
    has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
    upstream_request = client.build_request(
        request.method,
        base_url + request.url.path,
        params=request.url.query,
        headers=headers,
        content=request.stream() if has_body else None,
    )
    try:
        upstream = await client.send(upstream_request, stream=True)
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(
            f"The {service} service is not reachable.", headers={"Retry-After": "5"}
        ) from exc
    response_headers = {
        k: v
        for k, v in upstream.headers.items()
        if k.lower() not in HOP_BY_HOP and k.lower() not in _SET_BY_GATEWAY
    }
    return StreamingResponse(
        upstream.aiter_raw(),
        status_code=upstream.status_code,
        headers=response_headers,
        background=BackgroundTask(upstream.aclose),
    )
