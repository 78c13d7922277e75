"""The public API contract in the repository (ADR 0088): ``docs/api/openapi.json``,
the document the gateway serves, merged here from the services' own documents exactly
as the gateway merges them; and the problem type pages, ``docs/api/problems/<slug>.md``,
bundled for the gateway to serve. ``agora-ops generate`` writes both.

``problem_types`` finds every problem type the code can answer with: the subclasses of
``ProblemError`` in every shipped package, the chassis's status defaults, and each
literal slug handed to the problem renderers.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import warnings
from pathlib import Path
from typing import Any

from agora_tools.infra.base import REPO_ROOT

API_DOCS = REPO_ROOT / "docs" / "api"
OPENAPI = API_DOCS / "openapi.json"
PROBLEM_PAGES = API_DOCS / "problems"
PROBLEM_BUNDLE = REPO_ROOT / "gateway" / "src" / "agora_gateway" / "problems.json"
SERVICES = ("user", "catalog", "order", "payment", "notification")
PACKAGES = ("agora_kit", "agora_gateway", *(f"agora_{s}" for s in SERVICES))
SOURCES = (
    REPO_ROOT / "libs" / "agora-kit" / "src",
    REPO_ROOT / "gateway" / "src",
    *(REPO_ROOT / "services" / s / "src" for s in SERVICES),
)


def service_documents() -> dict[str, dict[str, Any]]:
    """Each service's own OpenAPI document, from its app as configured by default
    (building an app opens no connection)."""
    documents = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # FastAPI warns of a duplicate operation id
        for service in SERVICES:
            settings = importlib.import_module(f"agora_{service}.settings").Settings()
            app = importlib.import_module(f"agora_{service}.app").create_app(settings)
            documents[service] = app.openapi()
    return documents


def merged_document() -> dict[str, Any]:
    """The gateway's merged document as a default gateway serves it with every service up."""
    from agora_gateway.app import API_DESCRIPTION
    from agora_gateway.openapi import OpenAPIAggregator
    from agora_gateway.settings import Settings

    settings = Settings()
    aggregator = OpenAPIAggregator(
        upstreams={},
        get_client=lambda: None,  # type: ignore[arg-type,return-value]
        metrics=None,  # type: ignore[arg-type]
        refresh_seconds=settings.openapi_refresh_seconds,
        retry_seconds=settings.openapi_retry_seconds,
        fetch_timeout_seconds=settings.openapi_fetch_timeout_seconds,
        limited=lambda method, path: settings.rate_limit_enabled,
        description=API_DESCRIPTION,
        server_url=settings.public_url,
        deprecations=settings.deprecations,
    )
    merged = aggregator.merge(service_documents())
    merged["x-agora-unavailable"] = []
    return merged


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _literal_slugs(path: Path) -> set[str]:
    """Slugs written as literals: ``slug = "x"``, ``slug="x"``, ``slug or "x"``, and a
    ``(status, "x", ...)`` tuple as the gateway's hardening builds one."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        values: list[ast.AST] = []
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "slug" for t in targets):
                values += [node.value] if node.value is not None else []
        elif isinstance(node, ast.keyword) and node.arg == "slug":
            values.append(node.value)
        elif isinstance(node, ast.Tuple) and len(node.elts) >= 2:
            status, slug = node.elts[0], node.elts[1]
            if isinstance(status, ast.Constant) and type(status.value) is int:
                values += [slug] if 400 <= status.value < 600 else []
        for value in values:
            if isinstance(value, ast.BoolOp):
                values.extend(value.values)
            elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(value.value)
    return found


def problem_types() -> set[str]:
    """Every problem slug the shipped code can answer with."""
    from agora_kit import errors

    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if ".migrations" not in info.name and not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    slugs: set[str] = {slug for slug, _ in errors._STATUS_SLUGS.values()}
    slugs.add("http-error")  # problem_body's answer for a status without a slug
    pending: list[type[errors.ProblemError]] = [errors.ProblemError]
    while pending:
        cls = pending.pop()
        slugs.add(cls.slug)
        pending.extend(cls.__subclasses__())
    for source in SOURCES:
        for path in source.rglob("*.py"):
            if "migrations" not in path.parts:
                slugs |= _literal_slugs(path)
    return {slug for slug in slugs if slug}


def problem_bundle() -> str:
    pages = {page.stem: page.read_text() for page in sorted(PROBLEM_PAGES.glob("*.md"))}
    pages.pop("README", None)
    return json.dumps(pages, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    return {OPENAPI: render(merged_document()), PROBLEM_BUNDLE: problem_bundle()}
