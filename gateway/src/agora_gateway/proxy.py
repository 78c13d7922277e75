"""The HTTP proxy: every public path goes through the edge checks, then to its
service over the pooled client, bodies streamed both ways.

Request headers: hop-by-hop ones (and those the ``Connection`` header names) are
dropped; so are a client's own ``X-Forwarded-*``, ``Forwarded`` and ``X-Real-IP``
(the gateway writes them from what it saw) and ``X-API-Key`` (the upstream gets the
exchanged token in ``Authorization``). ``X-Request-ID`` and the W3C trace context are
set. Response headers: hop-by-hop ones, ``Server`` and ``X-Powered-By`` are dropped;
a ``Location`` naming the upstream (a trailing-slash redirect) becomes relative.
An upstream's 5xx body is never passed on: the client gets a problem of the gateway's
own with the same status and the request id to quote. The GDPR export is the one
answer the gateway composes (``agora_gateway.export``, ADR 0112).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from agora_gateway import export
from agora_gateway.auth import Identity
from agora_gateway.client import Answer, ProtocolFailure, ReadTimeout
from agora_gateway.ratelimit import LimitDecision
from agora_gateway.routes import upstream_for
from agora_gateway.runtime import Gateway
from agora_gateway.upstream import CircuitOpen, ReplayableBody, UpstreamError, UpstreamTimeout
from agora_kit.errors import (
    PROBLEM_BASE,
    PROBLEM_JSON,
    BadRequest,
    NotFound,
    ProblemError,
    ServiceUnavailable,
    problem_body,
)
from agora_kit.metrics import ROUTE_OVERRIDE
from agora_kit.serving import SERVICE_TOKEN_HEADER

logger = logging.getLogger("agora.gateway.proxy")

# RFC 9110 section 7.6.1: they describe one connection, not the message.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_NOT_FORWARDED = frozenset(
    {
        "host",
        "content-length",
        "authorization",
        "x-api-key",
        "x-request-id",
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-forwarded-port",
        "x-forwarded-prefix",
        "x-real-ip",
        SERVICE_TOKEN_HEADER,
        "traceparent",
        "tracestate",
    }
)
# The gateway's server writes its own; the upstream's would be sent twice or leak.
_NOT_RETURNED = frozenset({"date", "server", "x-powered-by", "x-request-id", "via"})
_DROPPED_ANSWER_HEADERS = frozenset(h.encode("latin-1") for h in HOP_BY_HOP | _NOT_RETURNED)
_ERROR_BODY_LIMIT = 65_536
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class GatewayTimeout(ProblemError):
    status = 504
    slug = "upstream-timeout"
    title = "Upstream timeout"


def connection_named(headers: list[tuple[str, str]]) -> set[str]:
    """Header names listed in ``Connection``: hop-by-hop for this message too."""
    named: set[str] = set()
    for key, value in headers:
        if key.lower() == "connection":
            named.update(token.strip().lower() for token in value.split(",") if token.strip())
    return named


def check_path(path: str) -> None:
    segments = path.split("/")
    if any(segment in (".", "..") for segment in segments) or "//" in path or "\\" in path:
        raise BadRequest("The path has empty, '.' or '..' segments.")


def upstream_headers(
    request_headers: list[tuple[str, str]],
    *,
    identity: Identity,
    request_id: str,
    client_ip: str | None,
    scheme: str,
    service_token: str,
) -> list[tuple[str, str]]:
    dropped = HOP_BY_HOP | _NOT_FORWARDED | connection_named(request_headers)
    headers = [(k, v) for k, v in request_headers if k.lower() not in dropped]
    host = next((v for k, v in request_headers if k.lower() == "host"), None)
    length = next((v for k, v in request_headers if k.lower() == "content-length"), None)
    if length is not None:
        headers.append(("content-length", length))
    if identity.upstream_authorization is not None:
        headers.append(("authorization", identity.upstream_authorization))
    headers.append(("x-request-id", request_id))
    # The service believes the client address below only with the credential.
    headers.append((SERVICE_TOKEN_HEADER, service_token))
    if client_ip is not None:
        headers.append(("x-forwarded-for", client_ip))
    headers.append(("x-forwarded-proto", scheme))
    if host is not None:
        headers.append(("x-forwarded-host", host))
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    headers.extend(carrier.items())
    return headers


def response_headers(upstream: Answer, upstream_base: str) -> list[tuple[bytes, bytes]]:
    """The upstream's headers to relay, as raw (lower-case name, value) pairs."""
    raw = [(k.lower(), v) for k, v in upstream.raw_headers]
    named = connection_named([(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw])
    dropped = _DROPPED_ANSWER_HEADERS | {name.encode("latin-1") for name in named}
    return [
        (k, public_location(v.decode("latin-1"), upstream_base).encode("latin-1"))
        if k == b"location"
        else (k, v)
        for k, v in raw
        if k not in dropped
    ]


def public_location(location: str, upstream_base: str) -> str:
    """``location`` without the upstream's address: a service's absolute URLs (its
    trailing-slash redirects, a created resource's address) name the host the gateway
    reached it at, which clients must never learn. Paths are the same on both sides,
    so the relative reference is right on the gateway."""
    target = urlsplit(location)
    base = urlsplit(upstream_base)
    if (target.scheme, target.netloc) != (base.scheme, base.netloc):
        return location
    return urlunsplit(("", "", target.path or "/", target.query, target.fragment))


async def _request_body(request: Request) -> ReplayableBody:
    headers = request.headers
    if "content-length" in headers:
        if headers["content-length"] == "0":
            return ReplayableBody(b"")
        # Announced and within the limit (the chassis answered 413 otherwise): stream it.
        return ReplayableBody(_stream(request))
    if "transfer-encoding" in headers:
        # Length unknown: read it whole (the chassis stops it at the limit, 413), so an
        # oversize body never reaches the service, and a retry can send it again.
        return ReplayableBody(await request.body())
    return ReplayableBody(None)


async def _stream(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _problem_from_upstream(
    upstream: Answer, body: bytes, service: str, request: Request
) -> Response:
    slug, title = None, None
    if (upstream.header("content-type") or "").startswith(PROBLEM_JSON):
        try:
            parsed = json.loads(body)
            kind = parsed.get("type", "")
            if isinstance(kind, str) and kind.startswith(PROBLEM_BASE):
                slug = kind[len(PROBLEM_BASE) :][:64]
                title = str(parsed.get("title", ""))[:120] or None
        except (ValueError, AttributeError):
            pass
    content = problem_body(
        upstream.status_code,
        slug=slug or "upstream-error",
        title=title or "Upstream error",
        detail=f"The {service} service could not answer this request; it has been logged.",
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
    )
    headers = {}
    retry_after = upstream.header("retry-after")
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return Response(
        json.dumps(content),
        status_code=upstream.status_code,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _with_limit_headers(error: ProblemError, decision: LimitDecision | None) -> ProblemError:
    if decision is not None:
        for key, value in decision.headers().items():
            error.headers.setdefault(key, value)
    return error


async def proxy(request: Request) -> Response:
    gateway = Gateway.of(request.app)
    path = request.url.path
    routed = upstream_for(path)
    if routed is None:
        raise NotFound(f"No route for {path}")
    check_path(path)
    service, prefix = routed
    route = gateway.openapi.templates.label(service, prefix, path)
    request.scope.setdefault("state", {})[ROUTE_OVERRIDE] = route
    method = request.method
    server_span = trace.get_current_span()
    server_span.update_name(f"{method} {route}")
    server_span.set_attribute("http.route", route)

    identity, decision = await gateway.admit(
        request,
        method,
        path,
        (request.headers.get("authorization"), request.headers.get("x-api-key")),
    )

    metrics = gateway.metrics
    service_label = metrics.base.service
    raw_path: bytes = request.scope.get("raw_path") or path.encode()
    query: bytes = request.scope.get("query_string", b"")
    url = gateway.upstreams.base_urls[service] + raw_path.decode("latin-1")
    if query:
        url += "?" + query.decode("latin-1")
    timeout = gateway.route_timeout(method, path)
    started = time.perf_counter()
    with gateway.tracer.start_as_current_span(
        f"{method} {route}",
        kind=SpanKind.CLIENT,
        attributes={
            "http.request.method": method,
            "http.route": route,
            "server.address": service,
            "agora.upstream": service,
        },
    ) as span:
        headers = upstream_headers(
            request.headers.items(),
            identity=identity,
            request_id=request.state.request_id,
            client_ip=request.client.host if request.client else None,
            scheme=request.url.scheme,
            service_token=gateway.service_token,
        )
        try:
            upstream = await gateway.upstreams.send(
                Gateway.upstream_client(request.app),
                service,
                method,
                url,
                headers=headers,
                body=await _request_body(request),
                timeout_seconds=timeout,
            )
        except UpstreamError as exc:
            metrics.upstream_requests.labels(
                service_label, service, method, route, exc.reason
            ).inc()
            span.set_status(Status(StatusCode.ERROR, exc.reason))
            raise _with_limit_headers(_upstream_problem(exc), decision) from None
        elapsed = time.perf_counter() - started
        span.set_attribute("http.response.status_code", upstream.status_code)
        if upstream.status_code >= 500:
            span.set_status(Status(StatusCode.ERROR))
    metrics.upstream_requests.labels(
        service_label, service, method, route, str(upstream.status_code)
    ).inc()
    metrics.upstream_duration.labels(service_label, service, method, route).observe(elapsed)

    limit_headers = decision.headers() if decision is not None else {}
    if upstream.status_code >= 500:
        answer = await _sanitized_error(upstream, service, request, f"{method} {route}")
        answer.headers.update(limit_headers)
        return answer

    if export.composes(method, path, upstream.status_code) and identity.principal is not None:
        return await _composed_export(request, upstream, identity.principal.user_id, decision)

    out_headers = response_headers(upstream, gateway.upstreams.base_urls[service])
    out_headers.extend(
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in limit_headers.items()
    )
    response = StreamingResponse(
        _relay(upstream),
        status_code=upstream.status_code,
        background=_Closing(upstream.close),
    )
    # Raw list: repeated headers (Set-Cookie, Link) must stay repeated.
    response.raw_headers = out_headers
    return response


class _Closing(BackgroundTask):
    """Gives the upstream connection back once the answer is sent. Not traced:
    OpenTelemetry's FastAPI instrumentation wraps ``BackgroundTask.__call__`` in a span,
    one more per proxied request, and this is bookkeeping, not work (ADR 0124)."""

    async def __call__(self) -> None:
        await self.func(*self.args, **self.kwargs)


async def _composed_export(
    request: Request, upstream: Answer, user_id: str, decision: LimitDecision | None
) -> Response:
    try:
        document = await export.compose(
            Gateway.of(request.app),
            Gateway.upstream_client(request.app),
            upstream,
            user_id=user_id,
            request_id=request.state.request_id,
        )
    except UpstreamError as exc:
        raise _with_limit_headers(_upstream_problem(exc), decision) from None
    except ProblemError as exc:
        raise _with_limit_headers(exc, decision) from None
    return JSONResponse(document, headers=decision.headers() if decision is not None else {})


async def _sanitized_error(upstream: Answer, service: str, request: Request, what: str) -> Response:
    try:
        body = await upstream.read(_ERROR_BODY_LIMIT)
    except (ProtocolFailure, ReadTimeout):
        body = b""
    logger.warning(
        "%s answered %s to %s",
        service,
        upstream.status_code,
        what,
        extra={"upstream": service, "upstream_status": upstream.status_code},
    )
    return _problem_from_upstream(upstream, body, service, request)


async def _relay(upstream: Answer) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.body:
            yield chunk
    except (ProtocolFailure, ReadTimeout) as exc:
        # Headers are gone already: all that is left is to cut the answer short, which
        # the client sees as a truncated body (its length or chunking tells it).
        logger.warning("upstream body failed mid-stream: %r", exc)
        raise


def _upstream_problem(exc: UpstreamError) -> ProblemError:
    if isinstance(exc, CircuitOpen):
        seconds = max(1, round(exc.retry_after + 0.49))
        return ServiceUnavailable(
            f"The {exc.upstream} service is unavailable; retry in {seconds} s.",
            headers={"Retry-After": str(seconds)},
        )
    if isinstance(exc, UpstreamTimeout):
        return GatewayTimeout(f"The {exc.upstream} service did not answer in time.")
    return ServiceUnavailable(
        f"The {exc.upstream} service is not reachable.", headers={"Retry-After": "5"}
    )
