"""The public API contract committed in docs/api (ADR 0088): in sync with the code,
valid OpenAPI, clean operation ids, every operation described, every problem type
the code can answer with documented by a page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from agora_tools import api_contract

OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(api_contract.OPENAPI.read_text())
    return document


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_committed_document_is_what_the_code_merges() -> None:
    assert api_contract.OPENAPI.read_text() == api_contract.render(
        api_contract.merged_document()
    ), "docs/api/openapi.json is stale: run `uv run agora-ops generate`"


def test_the_committed_document_is_valid_openapi(committed: dict[str, Any]) -> None:
    validate(committed)
    assert committed["openapi"].startswith("3.1")


def test_operation_ids_are_clean_and_unique(committed: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(committed)]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not OPERATION_ID.match(i) or "api_v1" in i] == []
    by_route = {(m, p): o["operationId"] for m, p, o in _operations(committed)}
    assert by_route[("GET", "/api/v1/products/{product_id}")] == "products_get"
    assert by_route[("GET", "/api/v1/products")] == "products_list"
    assert by_route[("POST", "/api/v1/checkout")] == "checkout_create"
    assert by_route[("POST", "/api/v1/admin/payments/{payment_id}/refund")] == (
        "admin_payments_refund"
    )


def test_every_operation_has_one_known_tag_a_summary_and_a_description(
    committed: dict[str, Any],
) -> None:
    from agora_gateway.contract import TAGS

    for method, path, operation in _operations(committed):
        where = f"{method} {path}"
        assert len(operation.get("tags", [])) == 1, where
        assert operation["tags"][0] in TAGS, where
        assert operation.get("summary"), where
        # The gateway appends who may call it; the service's own text comes first.
        description = operation.get("description", "")
        assert "\n\n" in description, where
        assert description.split("\n\n")[0].strip(), where
        if path.startswith("/api/v1/admin/"):
            assert operation["tags"] == ["admin"], where
    assert [t["name"] for t in committed["tags"]] == [
        name for name in TAGS if name in {t["name"] for t in committed["tags"]}
    ]


def test_request_bodies_carry_examples(committed: dict[str, Any]) -> None:
    schemas = committed["components"]["schemas"]
    missing = []
    for method, path, operation in _operations(committed):
        content = operation.get("requestBody", {}).get("content", {})
        if not content:
            continue
        [(media_type, body)] = content.items()
        assert media_type in (
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        schema = body["schema"]
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
        # A file part (an upload) has no example to give: its description says what.
        properties = [
            p for p in schema.get("properties", {}).values() if "contentMediaType" not in p
        ]
        if not schema.get("examples") and not all(p.get("examples") for p in properties):
            missing.append(f"{method} {path}")
        # Swagger UI offers them and schemathesis sends them: each must be valid.
        checker = Draft202012Validator({**body["schema"], "components": committed["components"]})
        for example in schema.get("examples", []):
            checker.validate(example)
    assert missing == []


def test_every_error_answer_is_problem_json_with_the_one_schema(
    committed: dict[str, Any],
) -> None:
    responses = committed["components"]["responses"]
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    checked = 0
    for method, path, operation in _operations(committed):
        for status, answer in operation["responses"].items():
            if status[0] not in "45":
                continue
            shown = responses[answer["$ref"].rsplit("/", 1)[-1]] if "$ref" in answer else answer
            assert shown["content"] == problem, f"{method} {path} {status}"
            checked += 1
    assert checked > 500
    assert not {"HTTPValidationError", "GatewayProblem"} & set(committed["components"]["schemas"])


def test_the_readme_names_every_path_served(committed: dict[str, Any]) -> None:
    """docs/api/README.md is the prose contract: a new path must be written there too."""
    readme = (api_contract.API_DOCS / "README.md").read_text()

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api/v1"))

    named = {shape(token) for token in re.findall(r"(/[A-Za-z0-9._\-/{}]+)", readme)}
    assert sorted(p for p in committed["paths"] if shape(p) not in named) == []


def test_every_problem_type_the_code_can_answer_with_has_a_page() -> None:
    slugs = api_contract.problem_types()
    # The finder sees the kit's, the services' and the gateway's own kinds.
    assert {"validation-error", "sku-taken", "card-declined", "uri-too-long"} <= slugs
    pages = {page.stem for page in api_contract.PROBLEM_PAGES.glob("*.md")}
    assert sorted(slugs - pages) == [], "write docs/api/problems/<slug>.md"
    assert sorted(pages - slugs - {"README"}) == [], "a page for a type nothing answers with"
    index = (api_contract.PROBLEM_PAGES / "README.md").read_text()
    for slug in slugs:
        page = (api_contract.PROBLEM_PAGES / f"{slug}.md").read_text()
        assert f"`https://agora.dev/problems/{slug}`" in page
        assert f"]({slug}.md)" in index


def test_the_gateway_bundle_of_the_pages_is_current() -> None:
    assert api_contract.PROBLEM_BUNDLE.read_text() == api_contract.problem_bundle(), (
        "run `uv run agora-ops generate`"
    )


def test_operations_open_to_anyone_accept_no_credentials(committed: dict[str, Any]) -> None:
    """``{}`` among the requirements: credentials are optional (OpenAPI 3.1, 4.8.30)."""
    optional = {
        (method, path)
        for method, path, operation in _operations(committed)
        if {} in operation.get("security", [])
    }
    for route in (
        ("POST", "/api/v1/auth/register"),
        ("POST", "/api/v1/auth/login"),
        ("GET", "/api/v1/products"),
        ("GET", "/api/v1/search"),
    ):
        assert route in optional
    for route in (
        ("GET", "/api/v1/users/me"),
        ("POST", "/api/v1/checkout"),
        ("POST", "/api/v1/products"),
        ("GET", "/api/v1/admin/users"),
        ("POST", "/api/v1/cart/items"),
    ):
        assert route not in optional
    titles = [s.get("title") for s in committed["components"]["schemas"].values()]
    assert len(titles) == len(set(titles))
