"""One flat list of routes per app (ADR 0103).

FastAPI 0.165 keeps an included router as a node (``_IncludedRouter``) that matches by
walking its routes, and matches twice on each level: once to decide, once more to
handle. A service composed of routers within routers paid that on every request: the
catalog's ``GET /api/v1/products/{id}`` went through four walks over 33 candidates,
about a third of the Python calls the request made. Routes copied into one router are
matched by one scan, as Starlette does.

``api`` composes a service's routers (each holding only its own routes) into one flat
router, with a prefix and dependencies for all; ``add_routes`` copies a flat router's
routes into the app's. Both go through ``add_api_route``, so each copy is built as
FastAPI builds any route: the same dependencies, response model, OpenAPI operation.

Dependencies are coroutine functions (``async def``), checked as routes are copied:
FastAPI runs a plain ``def`` one in a worker thread, a hand-off per request that cost
more than the lookups such dependencies make (ADR 0121).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import BaseRoute, Route

# What an APIRoute keeps of add_api_route's arguments under the same names (the path,
# endpoint, dependencies and tags are combined with the including router's).
_ROUTE_ARGUMENTS = (
    "response_model",
    "status_code",
    "summary",
    "description",
    "response_description",
    "responses",
    "deprecated",
    "methods",
    "operation_id",
    "response_model_include",
    "response_model_exclude",
    "response_model_by_alias",
    "response_model_exclude_unset",
    "response_model_exclude_defaults",
    "response_model_exclude_none",
    "include_in_schema",
    "response_class",
    "name",
    "callbacks",
    "openapi_extra",
    "generate_unique_id_function",
    "strict_content_type",
    "max_body_size",
    "form_limits",
)


def add_routes(
    target: APIRouter,
    source: APIRouter,
    *,
    prefix: str = "",
    dependencies: Sequence[params.Depends] = (),
) -> None:
    """Copy ``source``'s routes into ``target`` under ``prefix``, each with
    ``dependencies`` before its own. ``source`` must hold routes only: a router
    included into it with ``include_router`` would be matched as a nested node again."""
    for route in source.routes:
        if isinstance(route, APIRoute):
            target.add_api_route(
                prefix + route.path,
                route.endpoint,
                dependencies=[*dependencies, *route.dependencies],
                tags=list(route.tags),
                **{name: getattr(route, name) for name in _ROUTE_ARGUMENTS},
            )
            _refuse_threaded(target.routes[-1])
        elif isinstance(route, APIWebSocketRoute):
            target.add_api_websocket_route(
                prefix + route.path,
                route.endpoint,
                name=route.name,
                dependencies=[*dependencies, *route.dependencies],
            )
        elif isinstance(route, Route) and not prefix and not dependencies:
            target.routes.append(route)
        else:
            raise TypeError(
                f"{source!r} holds {type(route).__name__} {_describe(route)}: compose "
                "routers with agora_kit.routes.api, not include_router"
            )


def api(
    *routers: APIRouter, prefix: str = "", dependencies: Sequence[params.Depends] = ()
) -> APIRouter:
    """One flat router of ``routers``' routes, in their order (the first route that
    matches answers), under ``prefix``, each with ``dependencies`` before its own."""
    flat = APIRouter()
    for router in routers:
        add_routes(flat, router, prefix=prefix, dependencies=dependencies)
    return flat


def _threaded(dependant: Dependant) -> list[str]:
    """The dependencies under ``dependant`` that FastAPI would run in a worker thread."""
    found = []
    for dependency in dependant.dependencies:
        call = dependency.call
        target = call if inspect.isroutine(call) else getattr(call, "__call__", call)  # noqa: B004
        if call is not None and not (
            inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)
        ):
            found.append(getattr(call, "__qualname__", repr(call)))
        found.extend(_threaded(dependency))
    return found


def _refuse_threaded(route: BaseRoute) -> None:
    if isinstance(route, APIRoute) and (threaded := _threaded(route.dependant)):
        raise TypeError(
            f"{_describe(route)} depends on {', '.join(threaded)}, which FastAPI would "
            "run in a worker thread on every request: make it `async def`"
        )


def _describe(route: BaseRoute) -> str:
    path: Any = getattr(route, "path", None)
    return repr(path) if path else ""
