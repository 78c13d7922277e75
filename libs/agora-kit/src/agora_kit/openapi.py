"""What every part's OpenAPI document says the same way (ADR 0088).

- **Operation ids** are ``<resource>_<action>``, made from the route alone, so they
  stay the same however the endpoint function is named: the resource is the path's
  literal segments after ``/api/v1`` (``admin_payments``, ``users_me_api_keys``), the
  action comes from the method and the path's shape (``get``/``update``/``replace``/
  ``delete`` an item, ``list`` a collection whose endpoint returns a list, a page or
  only ``items``,
  ``get`` a singleton, ``create`` in a collection). A ``POST`` whose last segment is
  one of :data:`ACTION_WORDS` is that action: ``admin_payments_refund``,
  ``orders_cancel``, ``auth_login``. A route that passes FastAPI's ``operation_id``
  keeps it.
- **Errors** are documented as they are sent: ``application/problem+json`` with the
  one ``Problem`` schema, also for FastAPI's own 422.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from agora_kit.errors import PROBLEM_JSON, problem_responses

API_PREFIX = "/api/v1"

# A POST whose last path segment is one of these does that, rather than create one.
ACTION_WORDS = frozenset(
    {
        "cancel",
        "confirm",
        "deliver",
        "forgot",
        "login",
        "logout",
        "mfa",
        "publish",
        "reauthenticate",
        "read",
        "read-all",
        "refresh",
        "refund",
        "register",
        "reset",
        "ship",
        "token",
        "unpublish",
        "unsubscribe",
        "verify-email",
    }
)
_ITEM_ACTIONS = {"GET": "get", "PATCH": "update", "PUT": "replace", "DELETE": "delete"}
_COLLECTION_ACTIONS = {"POST": "create", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}
_REF = "#/components/schemas/"


def _is_param(segment: str) -> bool:
    return segment.startswith("{")


def _word(segment: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", segment.lower()).strip("_")


def _answers_a_list(route: APIRoute) -> bool:
    # FastAPI asks for the id before it sets the route's response model: the
    # endpoint's return annotation says the same.
    try:
        model = typing.get_type_hints(route.endpoint).get("return")
    except Exception:  # an annotation that does not resolve: not a list, then
        return False
    if typing.get_origin(model) in (list, tuple, set, frozenset):
        return True
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return False
    # A page (``items`` and ``next_cursor``), or nothing but its ``items``.
    fields = set(model.model_fields)
    return "next_cursor" in fields or fields == {"items"}


def operation_id(route: APIRoute) -> str:
    """The ``generate_unique_id_function`` of every part's app (see the module doc)."""
    path = route.path_format
    if path.startswith(API_PREFIX + "/"):
        path = path[len(API_PREFIX) :]
    segments = [s for s in path.split("/") if s]
    words = [_word(s) for s in segments if not _is_param(s)]
    method = sorted(route.methods or {"GET"})[0]
    last = segments[-1] if segments else ""
    if _is_param(last):
        action = _ITEM_ACTIONS.get(method, method.lower())
    elif method == "GET":
        action = "list" if _answers_a_list(route) else "get"
    elif method == "POST" and last in ACTION_WORDS:
        action = ""
    else:
        action = _COLLECTION_ACTIONS.get(method, method.lower())
    return "_".join(w for w in [*words, action] if w) or method.lower()


@cache
def _problem_schemas() -> str:
    # As FastAPI writes them for a route's ``problem_responses``, so a document that
    # lists none has the very schemas of those that do (the gateway merges equal ones).
    probe = FastAPI()

    @probe.get("/", responses=problem_responses(400))
    async def probe_route() -> None:
        return None

    schemas = get_openapi(title="probe", version="0", routes=probe.routes)["components"]
    return json.dumps({name: schemas["schemas"][name] for name in ("Problem", "InvalidParam")})


def problem_schemas() -> dict[str, dict[str, Any]]:
    """The ``Problem`` schema and those it refers to, as components."""
    schemas: dict[str, dict[str, Any]] = json.loads(_problem_schemas())
    return schemas


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": {"$ref": _REF + "Problem"}}}


def problems_as_sent(document: dict[str, Any]) -> dict[str, Any]:
    """Every 4xx and 5xx answer of ``document`` as problem+json with the ``Problem``
    schema (FastAPI puts a response model under ``application/json`` and its own 422
    as ``HTTPValidationError``); the validation schemas then go unless still used."""
    used = False
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for status, answer in (operation.get("responses") or {}).items():
                if (
                    str(status)[:1] in ("4", "5")
                    and isinstance(answer, dict)
                    and "$ref" not in answer
                ):
                    answer["content"] = _problem_content()
                    used = True
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    if used:
        for name, schema in problem_schemas().items():
            schemas.setdefault(name, schema)
    text = repr(document.get("paths"))
    for name in ("HTTPValidationError", "ValidationError"):
        if f"{_REF}{name}'" not in text and name in schemas:
            del schemas[name]
    return document


_REQUIRES_CREDENTIALS = "__agora_requires_credentials__"
_D = TypeVar("_D")


def requires_credentials(dependency: _D) -> _D:
    """Mark ``dependency`` as refusing a caller without credentials (401). FastAPI lists
    the credentials of every operation that reads them as required; an operation whose
    dependencies include no marked one also accepts none (``{}`` in its ``security``),
    so a generated client lets it be called anonymously."""
    setattr(dependency, _REQUIRES_CREDENTIALS, True)
    return dependency


def _needs_credentials(dependant: Dependant) -> bool:
    return any(
        getattr(sub.call, _REQUIRES_CREDENTIALS, False) or _needs_credentials(sub)
        for sub in dependant.dependencies
    )


def anonymous_allowed(app: FastAPI, document: dict[str, Any]) -> dict[str, Any]:
    """Add ``{}`` to the ``security`` of the operations open to anonymous callers."""
    paths = document.get("paths") or {}
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)  # an API route's, with its routers'
        if not isinstance(dependant, Dependant) or _needs_credentials(dependant):
            continue
        for method in route.methods or ():
            operation = paths.get(route.path_format, {}).get(method.lower())
            security = operation.get("security") if operation else None
            if security and {} not in security:
                security.append({})
    return document


def document_problems_as_sent(app: FastAPI) -> None:
    """Make ``app.openapi()`` document its errors as :func:`problems_as_sent` says, and
    anonymous access where it is allowed (:func:`anonymous_allowed`)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = anonymous_allowed(app, problems_as_sent(build()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
