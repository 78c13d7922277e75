"""Routers composed flat: one scan matches a request, and each copied route keeps what
its declaration and the composition gave it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, WebSocket
from fastapi.routing import APIRoute, APIWebSocketRoute
from pydantic import BaseModel
from starlette.routing import Match

from agora_kit.app import create_base_app
from agora_kit.errors import Forbidden
from agora_kit.metrics import ServiceMetrics
from agora_kit.routes import api


class Item(BaseModel):
    id: int
    name: str


async def needs_key(x_key: Annotated[str | None, Header()] = None) -> None:
    if x_key != "open":
        raise Forbidden("no key")


items = APIRouter(prefix="/items", tags=["items"])


@items.get("/{item_id}", response_model=Item, summary="One item")
async def get_item(item_id: int) -> dict[str, object]:
    # Returns a field the model leaves out: the response model must still filter.
    return {"id": item_id, "name": "pen", "secret": "x"}


@items.post("", status_code=201, max_body_size=4096, form_limits={"max_files": 2})
async def create_item(body: Item) -> Item:
    return body


guarded = APIRouter(prefix="/admin", dependencies=[Depends(needs_key)])


@guarded.get("/ping")
async def ping() -> dict[str, str]:
    return {"pong": "yes"}


live = APIRouter()


@live.websocket("/live")
async def live_feed(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield


def app_of(*routers: APIRouter) -> FastAPI:
    return create_base_app(
        "routes",
        title="routes",
        description="test",
        version="0",
        metrics=ServiceMetrics("routes"),
        max_body_bytes=1024,
        readiness_checks={},
        lifespan=no_lifespan,
        routers=routers,
    )


def test_composed_routes_are_one_flat_list_with_full_paths() -> None:
    public = api(items, live, prefix="/api/v1")
    app = app_of(api(public, api(guarded, prefix="/api/v1")))
    api_routes = [r for r in app.routes if isinstance(r, APIRoute | APIWebSocketRoute)]
    paths = {(r.path, tuple(sorted(getattr(r, "methods", None) or ()))) for r in api_routes}
    assert {
        ("/api/v1/items/{item_id}", ("GET",)),
        ("/api/v1/items", ("POST",)),
        ("/api/v1/live", ()),
        ("/api/v1/admin/ping", ("GET",)),
    } <= paths
    # Nothing nested: every route of the app is matched by the app's own scan.
    assert not [r for r in app.routes if type(r).__name__ == "_IncludedRouter"]


async def test_copied_routes_keep_models_status_dependencies_and_openapi() -> None:
    app = app_of(api(items, prefix="/api/v1"), api(guarded, prefix="/api/v1"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        got = await client.get("/api/v1/items/7")
        assert got.json() == {"id": 7, "name": "pen"}
        created = await client.post("/api/v1/items", json={"id": 1, "name": "ink"})
        assert created.status_code == 201
        bad = await client.post("/api/v1/items", json={"id": "x"})
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")
        # The router's own dependency came along with its route.
        assert (await client.get("/api/v1/admin/ping")).status_code == 403
        ok = await client.get("/api/v1/admin/ping", headers={"x-key": "open"})
        assert ok.json() == {"pong": "yes"}
    # What FastAPI keeps on the route beside the OpenAPI came along too.
    (create,) = [r for r in app.routes if isinstance(r, APIRoute) and r.path == "/api/v1/items"]
    assert (create.max_body_size, create.form_limits) == (4096, {"max_files": 2})
    operation = app.openapi()["paths"]["/api/v1/items/{item_id}"]["get"]
    assert operation["summary"] == "One item"
    assert operation["tags"] == ["items"]


async def test_dependencies_given_to_the_composition_run_before_each_route() -> None:
    app = app_of(api(items, prefix="/api/v1", dependencies=[Depends(needs_key)]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/api/v1/items/1")).status_code == 403
        assert (await client.get("/api/v1/items/1", headers={"x-key": "open"})).is_success


def test_websocket_routes_are_copied() -> None:
    app = app_of(api(live, prefix="/api/v1"))
    scope = {"type": "websocket", "path": "/api/v1/live", "root_path": "", "headers": []}
    matched = [r for r in app.routes if r.matches(scope)[0] == Match.FULL]
    assert len(matched) == 1
    assert isinstance(matched[0], APIWebSocketRoute)
    assert matched[0].endpoint is live_feed


def test_a_router_with_an_included_router_is_refused() -> None:
    nested = APIRouter()
    nested.include_router(items)
    with pytest.raises(TypeError, match=r"agora_kit\.routes\.api"):
        api(nested)


class Lookup:
    def __call__(self) -> str:
        return "x"


def plain_lookup() -> str:
    return "x"


async def outer_lookup(value: Annotated[str, Depends(plain_lookup)]) -> str:
    return value


async def async_lookup() -> str:
    return "x"


def routed(dependency: Callable[..., object]) -> APIRouter:
    router = APIRouter()

    async def looked_up(value: str) -> str:
        return value

    router.add_api_route(
        "/looked-up", looked_up, dependencies=[Depends(dependency)], methods=["GET"]
    )
    return router


def test_a_route_whose_dependency_would_run_in_a_thread_is_refused() -> None:
    for threaded, named in (
        (plain_lookup, "plain_lookup"),
        (outer_lookup, "plain_lookup"),  # async itself, but what it needs is not
        (Lookup(), "Lookup"),
    ):
        with pytest.raises(TypeError, match=f"'/looked-up' depends on .*{named}.*async def"):
            api(routed(threaded))
    assert api(routed(async_lookup)).routes
