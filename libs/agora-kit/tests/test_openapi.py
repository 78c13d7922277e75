"""What the chassis makes every part's OpenAPI document say: operation ids from the
route, and errors documented as the problem+json they are sent as."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from agora_kit.app import create_base_app
from agora_kit.errors import PROBLEM_JSON, NotFound, problem_responses
from agora_kit.metrics import ServiceMetrics
from agora_kit.openapi import problem_schemas, problems_as_sent
from agora_kit.pagination import Page


class Widget(BaseModel):
    id: int
    name: str


class WidgetIn(BaseModel):
    name: str


class Basket(BaseModel):
    items: list[Widget]
    total: int


router = APIRouter(prefix="/api/v1", tags=["widgets"])


@router.get("/widgets")
async def every_widget(limit: int = 10) -> Page[Widget]:
    return Page[Widget](items=[], next_cursor=None)


@router.post("/widgets", status_code=201, responses=problem_responses(409))
async def make(body: WidgetIn) -> Widget:
    return Widget(id=1, name=body.name)


@router.get("/widgets/{widget_id}", responses=problem_responses(404))
async def fetch_one(widget_id: int) -> Widget:
    raise NotFound("no such widget")


@router.patch("/widgets/{widget_id}")
async def change(widget_id: int, body: WidgetIn) -> Widget:
    return Widget(id=widget_id, name=body.name)


@router.delete("/widgets/{widget_id}", status_code=204)
async def scrap(widget_id: int) -> None:
    return None


@router.post("/admin/widgets/{widget_id}/refund", status_code=202)
async def give_money_back(widget_id: int) -> Widget:
    return Widget(id=widget_id, name="w")


@router.post("/widgets/{widget_id}/parts", status_code=201)
async def add_part(widget_id: int, body: WidgetIn) -> Widget:
    return Widget(id=widget_id, name=body.name)


@router.get("/basket")
async def my_basket() -> Basket:
    return Basket(items=[], total=0)


@router.post("/auth/login")
async def sign_in(body: WidgetIn) -> Widget:
    return Widget(id=1, name=body.name)


@router.get("/kept", operation_id="kept_as_named")
async def kept() -> Widget:
    return Widget(id=1, name="k")


@asynccontextmanager
async def no_lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield


def make_app() -> FastAPI:
    return create_base_app(
        "widgets",
        title="widgets",
        description="test",
        version="0",
        metrics=ServiceMetrics("widgets"),
        max_body_bytes=1024,
        readiness_checks={},
        lifespan=no_lifespan,
        routers=[router],
    )


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_operation_ids_name_the_resource_and_the_action() -> None:
    operations = _operations(make_app().openapi())
    ids = {key: operation["operationId"] for key, operation in operations.items()}
    assert ids == {
        ("GET", "/api/v1/widgets"): "widgets_list",
        ("POST", "/api/v1/widgets"): "widgets_create",
        ("GET", "/api/v1/widgets/{widget_id}"): "widgets_get",
        ("PATCH", "/api/v1/widgets/{widget_id}"): "widgets_update",
        ("DELETE", "/api/v1/widgets/{widget_id}"): "widgets_delete",
        ("POST", "/api/v1/admin/widgets/{widget_id}/refund"): "admin_widgets_refund",
        ("POST", "/api/v1/widgets/{widget_id}/parts"): "widgets_parts_create",
        ("GET", "/api/v1/basket"): "basket_get",
        ("POST", "/api/v1/auth/login"): "auth_login",
        ("GET", "/api/v1/kept"): "kept_as_named",
        ("GET", "/healthz"): "healthz_get",
        ("GET", "/readyz"): "readyz_get",
    }


def test_every_error_answer_is_documented_as_problem_json_with_one_schema() -> None:
    document = make_app().openapi()
    errors = [
        (status, answer)
        for operation in _operations(document).values()
        for status, answer in operation["responses"].items()
        if status[0] in "45"
    ]
    assert {status for status, _ in errors} >= {"404", "409", "422"}
    for _, answer in errors:
        assert answer["content"] == {
            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    schemas = document["components"]["schemas"]
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status"}
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas


def test_a_document_without_listed_problems_gets_the_same_problem_schema() -> None:
    """The gateway merges equal schemas into one: a part whose routes list no problem
    answers must describe Problem exactly as the others do."""
    listed = make_app().openapi()["components"]["schemas"]
    bare = FastAPI()

    @bare.get("/api/v1/things/{thing_id}")
    async def thing(thing_id: int) -> Widget:
        return Widget(id=thing_id, name="t")

    document = problems_as_sent(bare.openapi())
    assert document["paths"]["/api/v1/things/{thing_id}"]["get"]["responses"]["422"]["content"] == {
        PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    for name in ("Problem", "InvalidParam"):
        assert document["components"]["schemas"][name] == listed[name]
        assert problem_schemas()[name] == listed[name]


async def test_the_documented_media_type_is_the_one_sent() -> None:
    app = make_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        missing = await client.get("/api/v1/widgets/7")
        invalid = await client.post("/api/v1/widgets", json={})
    for answer in (missing, invalid):
        assert answer.headers["content-type"] == PROBLEM_JSON
        assert set(answer.json()) >= {"type", "title", "status"}
