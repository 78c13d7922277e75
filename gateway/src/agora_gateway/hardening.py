"""Pure ASGI middleware that hardens every answer of the gateway: security headers
(a strict Content Security Policy everywhere, a looser but still same-origin one for
the docs pages) and limits on the URL and the request headers."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora_kit.middleware import send_problem

# API answers are data: nothing in them may load or run anything, or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI and ReDoc, served from the gateway itself: scripts and styles from this
# origin only (no inline script; the UIs set inline styles), API calls to this origin.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
DOCS_PATHS = ("/docs", "/redoc")
# The web console (ADR 0106): its own scripts and styles only, none inline; API calls
# to this origin; images also from elsewhere over HTTPS (a product's image URLs).
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob: https:; font-src 'self'; connect-src 'self'; "
    "manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
CONSOLE_PATH = "/console"


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP answer and drops any ``Server`` or
    ``X-Powered-By`` banner an inner layer set."""

    def __init__(self, app: ASGIApp, hsts_seconds: int) -> None:
        self.app = app
        common: list[tuple[bytes, bytes]] = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if hsts_seconds > 0:
            common.append(
                (
                    b"strict-transport-security",
                    f"max-age={hsts_seconds}; includeSubDomains".encode(),
                )
            )
        self.api_headers = [*common, (b"content-security-policy", API_CSP.encode())]
        self.docs_headers = [*common, (b"content-security-policy", DOCS_CSP.encode())]
        self.console_headers = [*common, (b"content-security-policy", CONSOLE_CSP.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        docs = any(path == p or path.startswith(p + "/") for p in DOCS_PATHS)
        console = path == CONSOLE_PATH or path.startswith(CONSOLE_PATH + "/")
        extra = self.docs_headers if docs else self.console_headers if console else self.api_headers
        names = {name for name, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in names and k.lower() not in (b"server", b"x-powered-by")
                ]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestLimitsMiddleware:
    """414 for a URL over ``max_url_bytes``, 431 for request headers over
    ``max_header_bytes`` in all or ``max_headers`` in number, before any routing."""

    def __init__(
        self, app: ASGIApp, max_url_bytes: int, max_header_bytes: int, max_headers: int
    ) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes
        self.max_headers = max_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        url_bytes = len(raw_path) + len(scope.get("query_string", b""))
        headers = scope["headers"]
        header_bytes = sum(len(k) + len(v) for k, v in headers)
        problem: tuple[int, str, str] | None = None
        if url_bytes > self.max_url_bytes:
            problem = (414, "uri-too-long", f"The URL exceeds {self.max_url_bytes} bytes.")
        elif len(headers) > self.max_headers or header_bytes > self.max_header_bytes:
            problem = (
                431,
                "request-header-fields-too-large",
                f"The request headers exceed {self.max_headers} fields or "
                f"{self.max_header_bytes} bytes.",
            )
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, slug, detail = problem
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1009})
            return
        await send_problem(send, status, slug=slug, detail=detail, instance=scope["path"][:200])
