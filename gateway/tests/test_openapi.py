"""The merged API document, and the docs pages that use it."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from agora_gateway_testing import GatewayFactory, RunningGateway, serve
from agora_kit.auth import OptionalPrincipal
from agora_kit.testing.fixtures import free_port


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` of the document."""
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _catalog() -> FastAPI:
    app = FastAPI(title="catalog")

    class Product(BaseModel):
        id: str
        title: str

    @app.get("/api/v1/products/{product_id}", response_model=Product, tags=["products"])
    async def product(product_id: str, principal: OptionalPrincipal) -> Product:
        return Product(id=product_id, title="t")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {}

    return app


def _user() -> FastAPI:
    app = FastAPI(title="user")

    class Product(BaseModel):  # the same name, another shape
        sku: int

    @app.get("/api/v1/users/me/thing", response_model=Product)
    async def thing() -> Product:
        return Product(sku=1)

    @app.post("/internal/token-exchange")
    async def exchange() -> dict[str, Any]:
        return {}

    @app.post("/api/v1/auth/login")
    async def login() -> dict[str, Any]:
        return {}

    return app


async def test_the_document_merges_every_service_and_keeps_internals_out(
    start_gateway: GatewayFactory,
) -> None:
    async with (
        serve(_catalog()) as catalog,
        serve(_user()) as user,
        start_gateway(catalog_url=catalog, user_url=user) as gateway,
    ):
        response = await gateway.client.get("/openapi.json")
        assert response.status_code == 200
        doc = response.json()
    assert set(doc["paths"]) == {
        "/api/v1/products/{product_id}",
        "/api/v1/users/me/thing",
        "/api/v1/auth/login",
    }
    schemes = doc["components"]["securitySchemes"]
    assert set(schemes) == {"BearerAuth", "OAuth2Password", "ApiKeyAuth"}
    assert schemes["ApiKeyAuth"]["name"] == "X-API-Key"
    assert schemes["OAuth2Password"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    product = doc["paths"]["/api/v1/products/{product_id}"]["get"]
    assert {"BearerAuth": []} in product["security"]
    assert {"ApiKeyAuth": []} in product["security"]
    assert product["x-agora-api-key-scopes"] == ["catalog:read", "inventory:write"]
    assert set(product["responses"]) >= {"200", "401", "403", "413", "429", "503", "504"}
    too_many = _resolve(doc, product["responses"]["429"])
    assert "Retry-After" in too_many["headers"]
    assert set(
        _resolve(doc, too_many["content"]["application/problem+json"]["schema"])["required"]
    ) == {"type", "title", "status"}
    remaining = product["responses"]["200"]["headers"]["RateLimit-Remaining"]
    assert _resolve(doc, remaining)["schema"] == {"type": "integer"}
    # Two services' "Product" schemas differ: both kept, under distinct names.
    schemas = doc["components"]["schemas"]
    refs = {
        path: item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        for path, item in doc["paths"].items()
        if "get" in item
    }
    names = {ref.rsplit("/", 1)[1] for ref in refs.values()}
    assert len(names) == 2
    assert names <= set(schemas)
    assert doc["x-agora-unavailable"] == []


async def test_a_service_that_is_down_leaves_the_document_served(
    start_gateway: GatewayFactory,
) -> None:
    port = free_port()
    async with start_gateway(catalog_url=f"http://127.0.0.1:{port}") as gateway:
        response = await gateway.client.get("/openapi.json")
        assert response.status_code == 200
        doc = response.json()
        assert doc["x-agora-unavailable"] == ["catalog"]
        assert "/api/v1/products/{product_id}" not in doc["paths"]
        # The service comes up: the next refresh picks its paths up.
        async with serve(_catalog(), port=port):
            for _ in range(50):
                doc = (await gateway.client.get("/openapi.json")).json()
                if not doc["x-agora-unavailable"]:
                    break
                await asyncio.sleep(0.1)
        assert "/api/v1/products/{product_id}" in doc["paths"]


async def test_the_document_is_cached_with_an_etag(gateway: RunningGateway) -> None:
    first = await gateway.client.get("/openapi.json")
    again = await gateway.client.get(
        "/openapi.json", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


async def test_the_docs_pages_and_their_files_come_from_the_gateway(
    gateway: RunningGateway,
) -> None:
    docs = await gateway.client.get("/docs")
    assert docs.status_code == 200
    assert "/docs/static/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text
    redoc = await gateway.client.get("/redoc")
    assert redoc.status_code == 200
    assert 'spec-url="/openapi.json"' in redoc.text
    for name in (
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "redoc.standalone.js",
        "swagger-init.js",
    ):
        asset = await gateway.client.get(f"/docs/static/{name}")
        assert asset.status_code == 200, name
        assert len(asset.content) > 100
    assert (await gateway.client.get("/docs/static/../settings.py")).status_code in (400, 404)


def _twin(path: str, title: str) -> FastAPI:
    """A service whose one operation has the id another service uses too."""
    app = FastAPI(title=title)

    @app.get(path, operation_id="things_get")
    async def thing() -> dict[str, str]:
        return {}

    return app


async def test_an_operation_id_two_services_use_is_made_unique(
    start_gateway: GatewayFactory,
) -> None:
    async with (
        serve(_twin("/api/v1/products/{product_id}", "catalog")) as catalog,
        serve(_twin("/api/v1/users/me/thing", "user")) as user,
        start_gateway(catalog_url=catalog, user_url=user) as gateway,
    ):
        doc = (await gateway.client.get("/openapi.json")).json()
    ids = {path: item["get"]["operationId"] for path, item in doc["paths"].items()}
    # Services merge in name order: the catalog's keeps the id, the user's is prefixed.
    assert ids == {
        "/api/v1/products/{product_id}": "things_get",
        "/api/v1/users/me/thing": "user_things_get",
    }


async def test_a_service_documenting_errors_as_json_is_merged_as_problem_json(
    start_gateway: GatewayFactory,
) -> None:
    async with (
        serve(_catalog()) as catalog,
        start_gateway(catalog_url=catalog) as gateway,
    ):
        doc = (await gateway.client.get("/openapi.json")).json()
    product = doc["paths"]["/api/v1/products/{product_id}"]["get"]
    # FastAPI's own 422 (HTTPValidationError) is documented as what the chassis sends.
    assert product["responses"]["422"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    assert [tag["name"] for tag in doc["tags"]] == ["products"]
    assert doc["tags"][0]["description"]


async def test_each_problem_type_has_its_page_at_the_path_of_its_uri(
    gateway: RunningGateway,
) -> None:
    page = await gateway.client.get("/problems/sku-taken")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/markdown; charset=utf-8"
    assert "`https://agora.dev/problems/sku-taken`" in page.text
    assert page.text.startswith("# SKU already taken")
    missing = await gateway.client.get("/problems/no-such-kind")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "https://agora.dev/problems/not-found"
    assert (await gateway.client.get("/problems/..%2Fapp.py")).status_code == 404
