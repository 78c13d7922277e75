"""No service takes an integer query parameter without bounds: one beyond the column
it meets would reach the database driver and fail there (a 500) instead of being a 422
naming the parameter (agora_kit.query.QueryInt)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

SERVICES = ["user", "catalog", "order", "payment", "notification"]


def integer_schemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The integer alternatives of a parameter's schema (``int | None`` is an anyOf)."""
    if schema.get("type") == "integer":
        return [schema]
    return [s for part in schema.get("anyOf", []) for s in integer_schemas(part)]


def unbounded_integer_queries(document: dict[str, Any]) -> list[str]:
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                for schema in integer_schemas(parameter["schema"]):
                    if "maximum" not in schema or "minimum" not in schema:
                        found.append(f"{method.upper()} {path} ?{parameter['name']}")
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_integer_query_parameter_is_bounded(service: str) -> None:
    package = f"agora_{service}"
    settings: Any = importlib.import_module(f"{package}.settings").Settings()
    app: Any = importlib.import_module(f"{package}.app").create_app(settings)
    document = app.openapi()
    assert unbounded_integer_queries(document) == []


def test_the_walk_finds_an_unbounded_one() -> None:
    document = {
        "paths": {
            "/things": {
                "get": {
                    "parameters": [
                        {"in": "query", "name": "page", "schema": {"type": "integer"}},
                        {
                            "in": "query",
                            "name": "limit",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                        {
                            "in": "query",
                            "name": "min",
                            "schema": {
                                "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]
                            },
                        },
                    ]
                }
            }
        }
    }
    assert unbounded_integer_queries(document) == ["GET /things ?page", "GET /things ?min"]
