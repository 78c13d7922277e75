"""The merged API document, and the docs pages that use it."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from agora_gateway_testing import GatewayFactory, RunningGateway, free_port, serve
from agora_kit.auth import OptionalPrincipal


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
    assert "Retry-After" in product["responses"]["429"]["headers"]
    assert "RateLimit-Remaining" in product["responses"]["200"]["headers"]
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
