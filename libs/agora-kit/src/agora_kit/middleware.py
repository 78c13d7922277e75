"""Pure ASGI middleware every service runs: request ids with an access log line, and
the request body size limit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora_kit.errors import PROBLEM_BASE, PROBLEM_JSON
from agora_kit.logging import request_id_var, service_var

access_log = logging.getLogger("agora.access")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def problem_bytes(status: int, slug: str, title: str, detail: str, instance: str) -> bytes:
    body = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    request_id = request_id_var.get()
    if request_id:
        body["request_id"] = request_id
    return json.dumps(body).encode()


async def send_problem(
    send: Send, *, status: int, slug: str, title: str, detail: str, instance: str
) -> None:
    body = problem_bytes(status, slug, title, detail, instance)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Gives every request an id (a caller's safe ``X-Request-ID`` is kept), echoes it
    in the answer, puts it and the service name in the log context, and logs one
    access line per request."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), ""
        )
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        service_token = service_var.set(self.service)
        request_token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if scope["type"] == "http" and scope["path"] not in ("/healthz", "/metrics"):
                access_log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "http_method": scope["method"],
                        "http_path": scope["path"],
                        "http_status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(request_token)
            service_var.reset(service_token)


class _TooLarge(Exception):
    pass


class BodySizeLimitMiddleware:
    """Answers 413 problem+json to a body over ``max_bytes``, whether announced by
    Content-Length or only found while streaming, before the route sees any of it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"The request body exceeds the limit of {self.max_bytes} bytes."
        for key, value in scope["headers"]:
            if key == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await send_problem(
                    send, 413, "payload-too-large", "Request body too large", detail, scope["path"]
                )
                return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if response_started:
                raise
            await send_problem(
                send, 413, "payload-too-large", "Request body too large", detail, scope["path"]
            )
