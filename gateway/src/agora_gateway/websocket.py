"""WebSocket routes (the notification feed) proxied with the same edge checks as HTTP.

Credentials, the first found wins:
- ``Authorization: Bearer <token>`` or ``X-API-Key`` on the handshake (non-browser
  clients);
- subprotocols (browsers cannot set headers): the notification service's form
  ``new WebSocket(url, ["bearer", token])``, passed on as offered (the service selects
  ``bearer`` and reads the token itself), or ``agora.bearer.<token>`` offered beside the
  real one, which is never echoed back nor forwarded;
- the first message, ``{"type": "auth", "token": "<token>"}`` (or ``"api_key"``), within
  ``WEBSOCKET_AUTH_TIMEOUT_SECONDS`` (5) of the handshake; it is forwarded to the
  upstream as well.

The upstream receives the verified token as subprotocols ``bearer, <token>`` (the
notification service's form) and as ``Authorization: Bearer <token>``, with
``X-Request-ID``, ``X-Forwarded-For`` and the trace context, and verifies the token
itself. Refusals before the handshake completes are HTTP problems (401, 403, 429, 503)
where the server supports it, otherwise a close; after it, close codes ``4401``,
``4403``, ``4429`` (the HTTP status plus 4000), or ``1013`` when the upstream is down.
A replica holds at most ``WEBSOCKET_MAX_CONNECTIONS_PER_USER`` sockets per user (429 /
4429 beyond) and ``WEBSOCKET_MAX_CONNECTIONS`` in all, waiting ones included (503).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import websockets
from opentelemetry import propagate
from opentelemetry.trace import SpanKind
from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from agora_gateway.auth import ANONYMOUS, Identity
from agora_gateway.routes import WEBSOCKET_ROUTES, upstream_for
from agora_gateway.runtime import Gateway
from agora_kit.errors import (
    PROBLEM_JSON,
    Forbidden,
    NotFound,
    ProblemError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    problem_body,
)
from agora_kit.serving import SERVICE_TOKEN_HEADER

logger = logging.getLogger("agora.gateway.websocket")

TOKEN_PROTOCOL = "agora.bearer."  # noqa: S105 - a prefix, not a secret
BEARER_PROTOCOL = "bearer"
_FORWARDED_HANDSHAKE_HEADERS = ("origin", "user-agent", "accept-language")


async def _deny(ws: WebSocket, error: ProblemError, accepted: bool) -> None:
    if accepted:
        await ws.close(code=4000 + error.status, reason=(error.detail or error.title)[:120])
        return
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        body = problem_body(
            error.status,
            slug=error.slug,
            title=error.title,
            detail=error.detail,
            instance=ws.url.path,
            request_id=ws.scope.get("state", {}).get("request_id"),
        )
        await ws.send_denial_response(
            JSONResponse(
                body, status_code=error.status, media_type=PROBLEM_JSON, headers=error.headers
            )
        )
        return
    await ws.close(code=1008)


def _credentials(ws: WebSocket) -> tuple[str | None, str | None, list[str]]:
    """(authorization, api_key, the subprotocols to pass on) from the handshake."""
    offered: list[str] = list(ws.scope.get("subprotocols") or [])
    token: str | None = None
    if BEARER_PROTOCOL in offered:
        # The notification service's form, ["bearer", "<token>"]: passed on as offered,
        # since the service reads the token there itself (and never echoes it).
        token = next((p for p in offered if p != BEARER_PROTOCOL and p.count(".") == 2), None)
        passed = offered
    else:
        token = next(
            (p[len(TOKEN_PROTOCOL) :] for p in offered if p.startswith(TOKEN_PROTOCOL)), None
        )
        passed = [p for p in offered if not p.startswith(TOKEN_PROTOCOL)]
    authorization = ws.headers.get("authorization")
    if authorization is None and token:
        authorization = f"Bearer {token}"
    return authorization, ws.headers.get("x-api-key"), passed


async def _first_message_credentials(
    ws: WebSocket, wait_seconds: float
) -> tuple[str | None, str | None, Any]:
    message = await asyncio.wait_for(ws.receive(), timeout=wait_seconds)
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    try:
        parsed = json.loads(text) if text is not None else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise Unauthorized('The first message must authenticate: {"type": "auth", "token": ...}.')
    token, api_key = parsed.get("token"), parsed.get("api_key")
    if isinstance(token, str) and token:
        return f"Bearer {token}", None, message
    if isinstance(api_key, str) and api_key:
        return None, api_key, message
    raise Unauthorized("The first message must carry a token or an api_key.")


async def websocket_proxy(ws: WebSocket) -> None:
    gateway = Gateway.of(ws.app)
    path = ws.url.path
    routed = upstream_for(path)
    if routed is None or path not in WEBSOCKET_ROUTES:
        await _deny(ws, _not_found(path), accepted=False)
        return
    service = routed[0]
    settings = gateway.settings
    origin = ws.headers.get("origin")
    if origin and settings.cors_allow_origins and origin not in settings.cors_allow_origins:
        await _deny(ws, Forbidden("This origin may not open the feed."), accepted=False)
        return
    sockets = _sockets(ws)
    if sockets.total >= settings.websocket_max_connections:
        await _deny(ws, ServiceUnavailable("Too many open feeds; try again later."), False)
        return
    sockets.total += 1
    user: str | None = None
    try:
        user = await _authenticated(ws, gateway, path, service, sockets)
    finally:
        sockets.total -= 1
        if user is not None:
            sockets.release(user)


@dataclass
class Sockets:
    """This replica's open feed sockets: in total (those still waiting for their
    credentials included, as each holds memory) and per user."""

    total: int = 0
    per_user: Counter[str] = field(default_factory=Counter)

    def release(self, user: str) -> None:
        self.per_user[user] -= 1
        if self.per_user[user] <= 0:
            del self.per_user[user]


def _sockets(ws: WebSocket) -> Sockets:
    state = ws.app.state
    if not hasattr(state, "websocket_sockets"):
        state.websocket_sockets = Sockets()
    sockets: Sockets = state.websocket_sockets
    return sockets


async def _authenticated(
    ws: WebSocket, gateway: Gateway, path: str, service: str, sockets: Sockets
) -> str | None:
    """Authenticate, take the user's place and relay; the user whose place was taken."""
    settings = gateway.settings
    authorization, api_key, subprotocols = _credentials(ws)
    accepted = False
    first: Any = None
    try:
        if authorization is None and api_key is None:
            # Browsers that cannot use a subprotocol authenticate in the first message.
            subprotocol = subprotocols[0] if subprotocols else None
            subprotocols = subprotocols[:1]
            await ws.accept(subprotocol=subprotocol)
            accepted = True
            authorization, api_key, first = await _first_message_credentials(
                ws, settings.websocket_auth_timeout_seconds
            )
        identity, _ = await gateway.admit(ws, "GET", path, (authorization, api_key))
        if identity is ANONYMOUS or identity.principal is None:
            raise Unauthorized("The feed needs a signed-in user.")
        user = identity.principal.user_id
        if sockets.per_user[user] >= settings.websocket_max_connections_per_user:
            raise TooManyRequests("Too many open feeds for this user.")
    except ProblemError as error:
        await _deny(ws, error, accepted)
        return None
    except (TimeoutError, WebSocketDisconnect):
        if accepted:
            with contextlib.suppress(RuntimeError):
                await ws.close(code=4401, reason="no credentials in time")
        return None
    sockets.per_user[user] += 1
    await _relay(
        ws,
        gateway,
        service=service,
        identity=identity,
        subprotocols=subprotocols,
        accepted=accepted,
        first=first,
    )
    return user


def _not_found(path: str) -> ProblemError:
    return NotFound(f"No WebSocket route for {path}")


async def _relay(
    ws: WebSocket,
    gateway: Gateway,
    *,
    service: str,
    identity: Identity,
    subprotocols: list[str],
    accepted: bool,
    first: Any,
) -> None:
    settings = gateway.settings
    metrics = gateway.metrics
    labels = (metrics.base.service, service, ws.url.path)
    base = gateway.upstreams.base_urls[service]
    url = "ws" + base[len("http") :] + ws.url.path
    if ws.url.query:
        url += "?" + ws.url.query
    headers: list[tuple[str, str]] = [
        ("x-request-id", ws.scope.get("state", {}).get("request_id", "")),
    ]
    if identity.upstream_authorization:
        headers.append(("authorization", identity.upstream_authorization))
    headers.append((SERVICE_TOKEN_HEADER, gateway.service_token))
    if ws.client is not None:
        headers.append(("x-forwarded-for", ws.client.host))
    headers.extend((k, v) for k, v in ws.headers.items() if k in _FORWARDED_HANDSHAKE_HEADERS)
    tracer = Gateway.of(ws.app).tracer
    breaker = gateway.upstreams.breakers[service]
    with tracer.start_as_current_span(
        f"WS {ws.url.path}", kind=SpanKind.CLIENT, attributes={"agora.upstream": service}
    ):
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        headers.extend(carrier.items())
        if not breaker.acquire():
            await _unavailable(ws, service, accepted)
            return
        offered = _upstream_subprotocols(identity, subprotocols, first_message=first is not None)
        try:
            upstream = await websockets.connect(
                url,
                additional_headers=headers,
                subprotocols=[websockets.Subprotocol(p) for p in offered] or None,
                open_timeout=settings.connect_timeout_seconds + 3,
                max_size=settings.max_websocket_message_bytes,
                user_agent_header=None,
                proxy=None,
            )
        except InvalidStatus as exc:
            breaker.record(exc.response.status_code < 500)
            status = exc.response.status_code
            error: ProblemError = Unauthorized() if status == 401 else _upstream_refused(status)
            await _deny(ws, error, accepted)
            return
        except (OSError, TimeoutError, websockets.InvalidHandshake) as exc:
            breaker.record(False)
            logger.warning("cannot open the %s WebSocket: %r", service, exc)
            await _unavailable(ws, service, accepted)
            return
        breaker.record(True)
        if not accepted:
            await ws.accept(subprotocol=_client_subprotocol(ws, upstream.subprotocol))
        metrics.websocket_sessions.labels(*labels).inc()
        try:
            if first is not None:
                await _to_upstream(upstream, first)
                metrics.websocket_messages.labels(*labels, "in").inc()
            await _pump(ws, upstream, gateway, labels)
        finally:
            metrics.websocket_sessions.labels(*labels).dec()
            await upstream.close()


def _upstream_subprotocols(
    identity: Identity, passed: list[str], *, first_message: bool
) -> list[str]:
    """What the upstream is offered: the verified token in the notification service's
    own form, ``bearer, <token>``, first (it reads no header), then the client's others.
    A client that authenticated in its first message has that message forwarded instead."""
    authorization = identity.upstream_authorization or ""
    if first_message or not authorization.startswith("Bearer "):
        return passed
    token = authorization.removeprefix("Bearer ")
    return [BEARER_PROTOCOL, token, *(p for p in passed if p not in (BEARER_PROTOCOL, token))]


def _client_subprotocol(ws: WebSocket, chosen: str | None) -> str | None:
    """The upstream's choice when the client offered it; else the client's first real
    subprotocol (a browser fails a handshake that selects none of those it offered)."""
    offered = [
        p
        for p in (ws.scope.get("subprotocols") or [])
        if not p.startswith(TOKEN_PROTOCOL) and p.count(".") != 2
    ]
    if chosen in offered:
        return chosen
    return offered[0] if offered else None


def _upstream_refused(status: int) -> ProblemError:
    if status == 403:
        return Forbidden("The service refused the feed.")
    if status == 404:
        return NotFound("The service has no such feed.")
    error = ProblemError("The service refused the WebSocket handshake.")
    return error


async def _unavailable(ws: WebSocket, service: str, accepted: bool) -> None:
    if accepted:
        await ws.close(code=1013, reason=f"the {service} service is unavailable")
        return
    await _deny(
        ws,
        ServiceUnavailable(f"The {service} service is unavailable.", headers={"Retry-After": "5"}),
        accepted=False,
    )


async def _to_upstream(upstream: ClientConnection, message: Any) -> None:
    if message.get("text") is not None:
        await upstream.send(message["text"])
    elif message.get("bytes") is not None:
        await upstream.send(message["bytes"])


async def _pump(
    ws: WebSocket, upstream: ClientConnection, gateway: Gateway, labels: tuple[str, str, str]
) -> None:
    metrics = gateway.metrics
    limit = gateway.settings.max_websocket_message_bytes

    async def client_to_upstream() -> tuple[int, str]:
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return int(message.get("code", 1000)), ""
            data = message.get("text") if message.get("text") is not None else message.get("bytes")
            if data is not None and len(data) > limit:
                return 1009, "message too big"
            await _to_upstream(upstream, message)
            metrics.websocket_messages.labels(*labels, "in").inc()

    async def upstream_to_client() -> tuple[int, str]:
        try:
            async for data in upstream:
                if isinstance(data, str):
                    await ws.send_text(data)
                else:
                    await ws.send_bytes(data)
                metrics.websocket_messages.labels(*labels, "out").inc()
        except ConnectionClosed:
            pass
        return upstream.close_code or 1000, upstream.close_reason or ""

    to_up = asyncio.create_task(client_to_upstream())
    to_client = asyncio.create_task(upstream_to_client())
    done, pending = await asyncio.wait({to_up, to_client}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    finished = done.pop()
    try:
        code, reason = finished.result()
    except (WebSocketDisconnect, ConnectionClosed, RuntimeError):
        code, reason = 1000, ""
    if finished is to_client or code == 1009:
        # The upstream ended (or the client broke the size limit): tell the client.
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close(code=code if code not in (1005, 1006) else 1011, reason=reason[:120])
    if finished is to_up:
        with contextlib.suppress(Exception):
            await upstream.close(code=code if code not in (1005, 1006) else 1000)
