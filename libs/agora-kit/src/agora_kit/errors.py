"""RFC 9457 problem details: one error hierarchy, one renderer, every error path.

Expected failures are raised as a subclass of :class:`ProblemError` with a stable
``type`` slug and an HTTP status; :func:`install_problem_handlers` renders them, and
framework errors (validation, 404, 405, 413, unhandled exceptions) in the same shape.
Bodies never carry a stack trace, SQL or an upstream's error text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://agora.dev/problems/"
INTERNAL_ERROR_DETAIL = "An unexpected error occurred; it has been logged."

logger = logging.getLogger("agora.errors")


class InvalidParam(BaseModel):
    """One bad field of a request, as RFC 9457's ``invalid-params`` extension."""

    name: str = Field(description="Dotted location of the field, such as body.email")
    reason: str


class Problem(BaseModel):
    """The body of every error answer (``application/problem+json``)."""

    type: str = Field(description="A stable URI naming the kind of problem")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[InvalidParam] | None = Field(
        default=None, description="Each invalid field, for validation problems"
    )


class ProblemError(Exception):
    """Base of the expected, typed failures a service raises."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[InvalidParam] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = dict(headers or {})
        self.errors = list(errors) if errors is not None else None


class BadRequest(ProblemError):
    pass


class Unauthorized(ProblemError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class PaymentRequired(ProblemError):
    status = 402
    slug = "payment-required"
    title = "Payment required"


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class NotFound(ProblemError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(ProblemError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class PayloadTooLarge(ProblemError):
    status = 413
    slug = "payload-too-large"
    title = "Request body too large"


class Unprocessable(ProblemError):
    status = 422
    slug = "validation-error"
    title = "Request validation failed"


class TooManyRequests(ProblemError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class ServiceUnavailable(ProblemError):
    status = 503
    slug = "service-unavailable"
    title = "Service unavailable"


_STATUS_SLUGS: dict[int, tuple[str, str]] = {
    cls.status: (cls.slug, cls.title)
    for cls in (
        BadRequest,
        Unauthorized,
        PaymentRequired,
        Forbidden,
        NotFound,
        Conflict,
        PayloadTooLarge,
        Unprocessable,
        TooManyRequests,
        ServiceUnavailable,
    )
}
_STATUS_SLUGS[405] = ("method-not-allowed", "Method not allowed")
_STATUS_SLUGS[410] = ("gone", "Gone")  # a retired endpoint (the gateway's sunset)
_STATUS_SLUGS[500] = ("internal-error", "Internal server error")


def problem_body(
    status: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    instance: str | None = None,
    request_id: str | None = None,
    errors: Sequence[InvalidParam] | None = None,
) -> dict[str, Any]:
    """The JSON of a problem; also used by middleware that answers outside FastAPI."""
    default_slug, default_title = _STATUS_SLUGS.get(status, ("http-error", "HTTP error"))
    problem = Problem(
        type=PROBLEM_BASE + (slug or default_slug),
        title=title or default_title,
        status=status,
        detail=detail,
        instance=instance,
        request_id=request_id,
        errors=list(errors) if errors is not None else None,
    )
    return problem.model_dump(exclude_none=True)


def problem_response(
    request: Request,
    status: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    errors: Sequence[InvalidParam] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = problem_body(
        status,
        slug=slug,
        title=title,
        detail=detail,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=errors,
    )
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def _field_name(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request,
        exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


def _invalid_param(err: Mapping[str, Any]) -> InvalidParam:
    if err.get("type") == "json_invalid":
        # FastAPI puts the character offset in ``loc`` ("body.36"); that is no field,
        # so name the body and keep the offset in the reason.
        loc, position = err.get("loc", ("body",)), ""
        if len(loc) > 1:
            position = f" at character {loc[-1]}"
        cause = (err.get("ctx") or {}).get("error", "")
        return InvalidParam(name="body", reason=f"Invalid JSON{position}: {cause}".rstrip(": "))
    return InvalidParam(name=_field_name(err.get("loc", ())), reason=str(err.get("msg", "invalid")))


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_invalid_param(err) for err in exc.errors()]
    return problem_response(
        request,
        422,
        detail=f"{len(errors)} invalid field(s): " + ", ".join(e.name for e in errors),
        errors=errors,
    )


def _reason_phrase(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # Framework-raised errors (404 no route, 405, 413...) keep their generic title;
    # their detail is only passed through when a route set it on purpose.
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
    if detail == _reason_phrase(exc.status_code):  # Starlette's default, not a route's
        detail = None
    return problem_response(request, exc.status_code, detail=detail, headers=exc.headers)


async def _on_unhandled(request: Request, exc: Exception) -> JSONResponse:
    # Starlette runs this outermost, outside every middleware, where the request id
    # is no longer in the log context nor added to the answer; RequestContextMiddleware
    # therefore answers unhandled errors itself, and this is for apps without it.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request, 500, detail=INTERNAL_ERROR_DETAIL)


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A connection found dead (the database restarted, a network cut): the pool has
    already dropped it and the connections made before it, so a retry gets a fresh
    one. Answer 503 with ``Retry-After`` rather than a 500; any other database error is
    a 500 as before."""
    assert isinstance(exc, DBAPIError)
    if not exc.connection_invalidated:
        raise exc
    logger.warning("database connection lost during %s %s", request.method, request.url.path)
    return problem_response(
        request,
        503,
        detail="The database connection was lost; retry the request.",
        headers={"Retry-After": "1"},
    )


async def _on_unreachable(request: Request, exc: Exception) -> JSONResponse:
    """A backing service, mostly the database, slow or cut off (ADR 0111): a bound
    expired (a statement's answer or a new connection: asyncpg raises TimeoutError; a
    free connection of the pool: SQLAlchemy's TimeoutError), or a new connection was
    refused or reset (ConnectionError, which asyncpg does not wrap). The request's
    transaction was not committed, and a retry after a while may pass: 503 with
    ``Retry-After`` rather than a 500."""
    logger.warning(
        "a backing service failed during %s %s: %s",
        request.method,
        request.url.path,
        type(exc).__name__,
    )
    return problem_response(
        request,
        503,
        detail="A backing service did not answer in time; retry the request.",
        headers={"Retry-After": "2"},
    )


class CommitOutcomeUnknown(ProblemError):
    """The COMMIT itself timed out or lost its connection: the transaction may have
    committed. Not a 503 to retry blindly: a request with an ``Idempotency-Key`` may be
    sent again (its stored answer is found if it did commit); others should look first."""

    status = 500
    slug = "commit-outcome-unknown"
    title = "Outcome unknown"


# A bound of ADR 0111 expired (a statement's answer or a new connection: asyncpg's
# TimeoutError; a free connection of the pool: SQLAlchemy's), or a connection was
# refused or reset (ConnectionError, which asyncpg does not wrap).
UNREACHABLE: tuple[type[Exception], ...] = (TimeoutError, PoolTimeout, ConnectionError)


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says a dependency is unavailable for now rather than that the
    work cannot be done: one of ``UNREACHABLE``, a database connection found dead, or
    something that answered 503 (``ServiceUnavailable``). Requests answer these 503;
    event consumers deliver the event again later instead of dead-lettering it."""
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated)
    return isinstance(exc, (*UNREACHABLE, ServiceUnavailable, CommitOutcomeUnknown))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(DBAPIError, _on_database_error)
    for unreachable in UNREACHABLE:
        app.add_exception_handler(unreachable, _on_unreachable)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unhandled)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route, so the OpenAPI document lists its problem answers."""
    return {
        status: {
            "model": Problem,
            "description": _STATUS_SLUGS.get(status, ("", "Error"))[1],
            "content": {PROBLEM_JSON: {}},
        }
        for status in statuses
    }
