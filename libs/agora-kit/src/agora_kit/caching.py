"""HTTP validators for reads clients may cache: ``ETag``, ``Cache-Control`` and
``If-None-Match`` → ``304 Not Modified`` (RFC 9110 §8.8.3, §13.1.2; RFC 9111).

The ETag is a hash of the answer's body, so it changes exactly when the answer does:
when a product, its stock or its store changes, the next read has a new tag, and no
invalidation message has to reach any cache. Answers are marked ``no-cache`` (a cache
may keep them but asks before each reuse): stock and prices change at any time and a
buyer must not see yesterday's. Anonymous answers are ``public``, those to a signed-in
caller ``private`` (an owner sees fields others do not), and all ``Vary:
Authorization``. The revalidation costs the server the read, not the transfer
(ADR 0084).
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What a 304 carries from the 200 it stands for (RFC 9110 §15.4.5).
_KEPT_ON_304 = ("etag", "cache-control", "vary", "content-location", "date", "expires")


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def none_match(header: str | None, tag: str) -> bool:
    """Whether ``If-None-Match: header`` names ``tag`` (weak comparison, as for GET)."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == tag for candidate in header.split(","))


class ConditionalGet:
    """Pure ASGI middleware: a 200 answer to ``GET`` on a path under one of
    ``prefixes`` gets an ETag and Cache-Control; a request whose ``If-None-Match``
    names the current tag gets a 304 without the body. Other answers pass as they are."""

    def __init__(self, app: ASGIApp, *, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(self.prefixes)
        ):
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_validated(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    await send(message)  # not ours to validate
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._answer(request, start, b"".join(chunks), send)

        await self.app(scope, receive, send_validated)

    @staticmethod
    async def _answer(request: Headers, start: Message, body: bytes, send: Send) -> None:
        tag = entity_tag(body)
        headers = MutableHeaders(raw=list(start["headers"]))
        headers["etag"] = tag
        if "cache-control" not in headers:
            signed_in = "authorization" in request
            headers["cache-control"] = "private, no-cache" if signed_in else "public, no-cache"
        headers.add_vary_header("Authorization")
        if none_match(request.get("if-none-match"), tag):
            kept = [(k, v) for k, v in headers.raw if k.decode("latin-1") in _KEPT_ON_304]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
