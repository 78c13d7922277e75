"""How every part of the fleet is served by uvicorn, in one place for the CLI and tests,
and how a service knows the gateway (ADR 0055).

The gateway is the public door: its server believes ``X-Forwarded-For`` only from the
proxies it is told of (an ingress). A service believes the client address the gateway
passes only when the request also carries the service credential
(``X-Agora-Service-Token``, ``AGORA_SERVICE_TOKEN``) and comes from one of its trusted
proxies; anything else on the network, loopback included, is the socket's own
address. The same credential guards the services' ``/internal`` routes.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import uvicorn
import uvloop
from fastapi import Depends, Request
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from agora_kit.errors import Forbidden

if TYPE_CHECKING:
    from agora_kit.settings import EventLoop

SERVICE_TOKEN_HEADER = "x-agora-service-token"  # noqa: S105 - a header name
_HEADER_BYTES = SERVICE_TOKEN_HEADER.encode()
KEEP_ALIVE_SECONDS = 75
_T = TypeVar("_T")


def run_server(main: Coroutine[Any, Any, _T], loop: EventLoop = "uvloop") -> _T:
    """Run a server process's main coroutine to its end on uvloop, libuv's event loop
    (ADR 0126), or on asyncio's own (``AGORA_EVENT_LOOP=asyncio``)."""
    if loop == "asyncio":
        return asyncio.run(main)
    return uvloop.run(main)


def server_config(
    app: ASGIApp, host: str, port: int, trusted_proxies: str = "", **options: object
) -> uvicorn.Config:
    """A uvicorn configuration for ``app``.

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the proxies in
    ``trusted_proxies`` (comma-separated addresses or networks); with none, a caller's
    own claim never picks the address that rate limits and lockouts count.
    """
    # Idle keep-alive connections are kept longer than the gateway's pool keeps them
    # (30 s): a server closing one just as the gateway reuses it fails that request,
    # and a POST is never retried (uvicorn's own default is 5 s).
    options.setdefault("timeout_keep_alive", KEEP_ALIVE_SECONDS)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        server_header=False,
        proxy_headers=bool(trusted_proxies.strip()),
        forwarded_allow_ips=trusted_proxies.strip() or None,
        **options,  # type: ignore[arg-type]
    )


def _presented(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == _HEADER_BYTES:
            return bytes(value)
    return None


def carries_service_token(scope: Scope, token: bytes) -> bool:
    presented = _presented(scope)
    return presented is not None and hmac.compare_digest(presented, token)


class GatewayForwarded:
    """A service's outermost middleware: ``X-Forwarded-For``/``-Proto`` are applied (by
    uvicorn's own proxy-headers middleware, for the proxies in ``trusted_proxies``)
    only on requests that carry the service credential. Serve the app with no trusted
    proxies at the server (``server_config(..., trusted_proxies="")``): this decides."""

    def __init__(self, app: ASGIApp, *, token: str, trusted_proxies: str) -> None:
        self.app = app
        self.token = token.encode()
        # None: no proxy is trusted, so no forwarded header is ever applied.
        # (uvicorn types ASGI apps with its own TypedDicts, Starlette with mappings.)
        self.forwarded = (
            ProxyHeadersMiddleware(app, trusted_hosts=trusted_proxies.strip())  # type: ignore[arg-type]
            if trusted_proxies.strip()
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.forwarded is not None
            and scope["type"] in ("http", "websocket")
            and carries_service_token(scope, self.token)
        ):
            await self.forwarded(scope, receive, send)  # type: ignore[arg-type]
            return
        await self.app(scope, receive, send)


async def require_service_token(request: Request) -> None:
    """For ``/internal`` routes: the caller is another part of Agora, or 403 (not 401:
    the gateway reads a 401 from the token exchange as "invalid API key", and a missing
    credential is a misconfiguration to show as such)."""
    token: bytes = request.app.state.service_token
    if not carries_service_token(request.scope, token):
        raise Forbidden("This route is for Agora's own parts; present the service credential.")


ServiceOnly = Annotated[None, Depends(require_service_token)]
