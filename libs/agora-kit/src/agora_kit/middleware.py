"""Pure ASGI middleware every service runs: request ids with an access log line and
the last word on unhandled errors, and the request body size limit."""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Mapping

from opentelemetry import trace
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora_kit.auth import principal_var
from agora_kit.errors import INTERNAL_ERROR_DETAIL, PROBLEM_JSON, problem_body
from agora_kit.logging import request_id_var, service_var

access_log = logging.getLogger("agora.access")
error_log = logging.getLogger("agora.errors")

_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


# Request ids name requests in logs, they guard nothing: 128 bits from the module's
# generator (reseeded in a forked child), as OpenTelemetry's trace ids are, not a
# system call per request (ADR 0121).
def new_request_id() -> str:
    return f"{random.getrandbits(128):032x}"


async def send_problem(
    send: Send, status: int, *, detail: str, instance: str, slug: str | None = None
) -> None:
    """Answer with a problem from inside middleware, where FastAPI's handlers are out
    of reach; the request id comes from the log context."""
    body = json.dumps(
        problem_body(
            status, slug=slug, detail=detail, instance=instance, request_id=request_id_var.get()
        )
    ).encode()
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
    in the answer, puts it and the service name in the log context, logs one access
    line per request, and answers an unhandled error with a 500 problem."""

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
        request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        service_token = service_var.set(self.service)
        request_token = request_id_var.set(request_id)
        # No caller until the authentication dependency verifies one (the audit trail).
        principal_token = principal_var.set(None)
        status = 500
        started_response = False
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if scope["type"] != "http" or started_response:
                raise
            # Answered here, not by Starlette's outermost error handler, so the log line
            # and the answer carry the request id. Not re-raised: the server would log
            # the same traceback again, without the context.
            error_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            trace.get_current_span().record_exception(exc)
            await send_problem(
                send_wrapper, 500, detail=INTERNAL_ERROR_DETAIL, instance=scope["path"]
            )
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
            principal_var.reset(principal_token)
            request_id_var.reset(request_token)
            service_var.reset(service_token)


class RequestBodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit. An HTTPException
    because FastAPI turns any other error while reading the body into a 400; this one
    reaches the problem handlers as a 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body exceeds the limit of {max_bytes} bytes.")


def route_pattern(spec: str) -> tuple[str, re.Pattern[str]]:
    """``"[METHOD ]/path/*/more"`` as (method, or "" for any; the path as a pattern in
    which ``*`` stands for one segment)."""
    method, _, path = spec.strip().rpartition(" ")
    parts = (re.escape(part) for part in path.split("*"))
    return method.strip().upper(), re.compile("[^/]+".join(parts))


def _only_too_large(exc: BaseException) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        # Task groups (streaming, background reads) wrap what the body read raised.
        return exc.split(RequestBodyTooLarge)[1] is None
    return isinstance(exc, RequestBodyTooLarge)


class BodySizeLimitMiddleware:
    """Answers 413 problem+json to a body over ``max_bytes``, whether announced by
    Content-Length or only found while streaming, before the route sees any of it.
    ``larger`` raises the limit for some routes (``"POST /api/v1/products/*/images"``:
    bytes), such as an upload's.

    Starlette's built-in ``max_body_size`` is not used: it replaces any answer to an
    announced oversize body with a text/plain 413 outside every handler. Install this
    inside RequestContextMiddleware so the 413 carries the request id."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = [(*route_pattern(spec), limit) for spec, limit in (larger or {}).items()]

    def limit_of(self, method: str, path: str) -> int:
        for rule_method, pattern, limit in self.larger:
            if rule_method in ("", method) and pattern.fullmatch(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_of(scope["method"], scope["path"])
        for key, value in scope["headers"]:
            if key == b"content-length" and value.isdigit() and int(value) > max_bytes:
                detail = RequestBodyTooLarge(max_bytes).detail
                await send_problem(send, 413, detail=detail, instance=scope["path"])
                return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            if received > max_bytes:
                raise RequestBodyTooLarge(max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise RequestBodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception as exc:
            if response_started or not _only_too_large(exc):
                raise
            detail = RequestBodyTooLarge(max_bytes).detail
            await send_problem(send, 413, detail=detail, instance=scope["path"])
