"""One API document for the whole fleet, merged at run time from what each service
publishes at its own ``/openapi.json``.

Each service's document is fetched in the background and again every
``openapi_refresh_seconds`` (sooner while one is missing); a service that is down keeps
its last good document, or is left out and named in ``x-agora-unavailable`` until it
answers. Only paths the gateway routes to that service are kept, so internal endpoints,
health and metrics never appear. Component names that two services use for different
schemas are prefixed with the service's name. The services' own security schemes are
replaced by the gateway's (bearer JWT, OAuth2 password flow, API key), and every
operation lists the answers the gateway itself may give (401, 403, 413, 429 with its
headers, 503, 504) and the API-key scopes it needs.

The merged operations also give the proxy its route templates, for metric labels and
trace names.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from agora_gateway.contract import document_tags
from agora_gateway.deprecation import Deprecation, deprecation_table, mark_deprecated
from agora_gateway.observability import GatewayMetrics
from agora_gateway.routes import SCOPE_RULES, upstream_for
from agora_kit.errors import PROBLEM_JSON
from agora_kit.openapi import problem_schemas, problems_as_sent

logger = logging.getLogger("agora.gateway.openapi")

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_REF_PREFIX = "#/components/schemas/"

SECURITY_SCHEMES: dict[str, Any] = {
    "BearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from POST /api/v1/auth/login (15 minutes).",
    },
    "OAuth2Password": {
        "type": "oauth2",
        "description": "Sign in with e-mail and password from this page.",
        "flows": {"password": {"tokenUrl": "/api/v1/auth/token", "scopes": {}}},
    },
    "ApiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A key from POST /api/v1/users/me/api-keys, limited to its scopes.",
    },
}
_SECURITY: list[dict[str, list[str]]] = [
    {"BearerAuth": []},
    {"OAuth2Password": []},
    {"ApiKeyAuth": []},
]

_HEADERS_REF = "#/components/headers/"
_RESPONSES_REF = "#/components/responses/"
PROBLEM_SCHEMA_NAME = "Problem"


def _header(description: str, kind: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": kind}}


# Described once under components and referred to from every operation.
COMPONENT_HEADERS: dict[str, Any] = {
    "RateLimit-Limit": _header("Requests allowed in the current window", "integer"),
    "RateLimit-Remaining": _header("Requests left in the current window", "integer"),
    "RateLimit-Reset": _header("Seconds until the window resets", "integer"),
    "RateLimit-Policy": _header("The limit and its window: `<limit>;w=<seconds>`", "string"),
    "Retry-After": _header("Seconds to wait before trying again", "integer"),
}
_RATE_HEADERS = [name for name in COMPONENT_HEADERS if name.startswith("RateLimit-")]


def _header_refs(names: list[str]) -> dict[str, Any]:
    return {name: {"$ref": _HEADERS_REF + name} for name in names}


def _problem_response(description: str, headers: list[str] = []) -> dict[str, Any]:  # noqa: B006
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": _REF_PREFIX + PROBLEM_SCHEMA_NAME}}},
    }
    if headers:
        response["headers"] = _header_refs(headers)
    return response


# The answers the gateway itself may give, by status.
COMPONENT_RESPONSES: dict[str, tuple[str, dict[str, Any]]] = {
    "400": (
        "GatewayBadRequest",
        _problem_response("Bad request (both a bearer token and an API key, a bad path)"),
    ),
    "413": ("PayloadTooLarge", _problem_response("The request body is over the gateway's limit")),
    "414": ("UriTooLong", _problem_response("The URL is over the gateway's limit")),
    "431": (
        "HeadersTooLarge",
        _problem_response("The request headers are over the gateway's limit"),
    ),
    "503": (
        "ServiceUnavailable",
        _problem_response(
            "The service is unavailable (down, or its circuit is open)", ["Retry-After"]
        ),
    ),
    "504": ("UpstreamTimeout", _problem_response("The service did not answer in time")),
    "401": (
        "Unauthorized",
        _problem_response("Missing, invalid, expired or revoked credentials"),
    ),
    "403": ("Forbidden", _problem_response("Not allowed (for an API key: outside its scopes)")),
    "429": (
        "TooManyRequests",
        _problem_response("Rate limit reached", ["Retry-After", *_RATE_HEADERS]),
    ),
}
_SECURED_ONLY = ("401", "403")


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
                name = value[len(_REF_PREFIX) :]
                out[key] = _REF_PREFIX + renames.get(name, name)
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _scope_note(method: str, path: str) -> tuple[list[str] | None, str]:
    rule = SCOPE_RULES.lookup(method.upper(), path)
    scopes = rule.value if rule is not None else ()
    if scopes is None:
        return None, "Open to every caller."
    if not scopes:
        return [], "API keys cannot call this endpoint: sign in as the user."
    return list(scopes), "An API key needs the scope " + " or ".join(f"`{s}`" for s in scopes) + "."


def _add_gateway_answers(operation: dict[str, Any], secured: bool, limited: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for response in responses.values():
        if limited and isinstance(response, dict) and "$ref" not in response:
            response.setdefault("headers", {}).update(_header_refs(_RATE_HEADERS))
    for status, (name, _) in COMPONENT_RESPONSES.items():
        if (status in _SECURED_ONLY and not secured) or (status == "429" and not limited):
            continue
        responses.setdefault(status, {"$ref": _RESPONSES_REF + name})


def _unique_operation_ids(
    item: dict[str, Any], service: str, path: str, seen: dict[str, str]
) -> dict[str, Any]:
    """Operation ids are unique within a service (the chassis makes them from the path);
    one that another service already uses gets the service's name in front."""
    for method in _METHODS:
        operation = item.get(method)
        if not isinstance(operation, dict) or "operationId" not in operation:
            continue
        operation_id = operation["operationId"]
        if operation_id in seen and seen[operation_id] != f"{method} {path}":
            logger.warning("operation id %s is used twice; renamed for %s", operation_id, service)
            operation_id = operation["operationId"] = f"{service}_{operation_id}"
        seen[operation_id] = f"{method} {path}"
    return item


@dataclass
class _Fetched:
    document: dict[str, Any]
    fetched_at: float


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(pattern)


@dataclass
class RouteTemplates:
    """Path templates per upstream, literal ones tried before parametrised ones."""

    by_upstream: dict[str, list[tuple[re.Pattern[str], str]]] = field(default_factory=dict)

    @classmethod
    def from_paths(cls, paths: dict[str, list[str]]) -> RouteTemplates:
        by_upstream: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for upstream, templates in paths.items():
            ordered = sorted(templates, key=lambda t: (t.count("{"), -len(t)))
            by_upstream[upstream] = [(_template_regex(t), t) for t in ordered]
        return cls(by_upstream)

    def label(self, upstream: str, prefix: str, path: str) -> str:
        for regex, template in self.by_upstream.get(upstream, ()):
            if regex.fullmatch(path):
                return template
        # Not (yet) in the service's document: the routing prefix keeps labels bounded.
        return prefix if path == prefix else f"{prefix}/*"


class OpenAPIAggregator:
    def __init__(
        self,
        *,
        upstreams: dict[str, str],
        get_client: Callable[[], httpx.AsyncClient],
        metrics: GatewayMetrics,
        refresh_seconds: float,
        retry_seconds: float,
        fetch_timeout_seconds: float,
        limited: Callable[[str, str], bool],
        title: str = "Agora API",
        version: str = "0.1.0",
        description: str = "",
        server_url: str = "",
        deprecations: Mapping[str, Deprecation] | None = None,
    ) -> None:
        self.upstreams = upstreams
        self._get_client = get_client
        self.metrics = metrics
        self.refresh_seconds = refresh_seconds
        self.retry_seconds = retry_seconds
        self.fetch_timeout_seconds = fetch_timeout_seconds
        self.limited = limited
        self.title = title
        self.version = version
        self.description = description
        self.server_url = server_url
        self.deprecations = deprecation_table(deprecations or {})
        self._fetched: dict[str, _Fetched] = {}
        self._missing: set[str] = set(upstreams)
        self._merged: bytes | None = None
        self.etag = ""
        self.templates = RouteTemplates()
        self._lock = asyncio.Lock()
        self._refreshed_at = -float("inf")

    # --- fetching -----------------------------------------------------------------

    async def _fetch(self, name: str, base_url: str) -> None:
        service = self.metrics.base.service
        try:
            answer = await self._get_client().get(
                f"{base_url}/openapi.json", timeout=self.fetch_timeout_seconds
            )
            answer.raise_for_status()
            document = answer.json()
            if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
                raise ValueError("not an OpenAPI document")
        except (httpx.HTTPError, ValueError) as exc:
            self.metrics.openapi_fetches.labels(service, name, "failed").inc()
            logger.info("cannot fetch the API document of %s: %r", name, exc)
            if name not in self._fetched:
                self._missing.add(name)
            return
        self.metrics.openapi_fetches.labels(service, name, "ok").inc()
        self._fetched[name] = _Fetched(document, time.monotonic())
        self._missing.discard(name)

    async def refresh(self) -> None:
        async with self._lock:
            await asyncio.gather(*(self._fetch(name, url) for name, url in self.upstreams.items()))
            self._refreshed_at = time.monotonic()
            self._rebuild()

    async def run(self) -> None:
        """Refresh forever: soon while a service is missing (0.25 s after start, doubling
        up to ``retry_seconds``: the fleet starts together), then at the interval."""
        delay = 0.25
        while True:
            await self.refresh()
            if self._missing:
                await asyncio.sleep(min(delay, self.retry_seconds))
                delay *= 2
            else:
                delay = 0.25
                await asyncio.sleep(self.refresh_seconds)

    async def document_bytes(self) -> bytes:
        age = time.monotonic() - self._refreshed_at
        # A service still missing is asked again on demand, at most once a second.
        if self._merged is None or age > self.refresh_seconds or (self._missing and age > 1.0):
            await self.refresh()
        assert self._merged is not None
        return self._merged

    # --- merging ------------------------------------------------------------------

    def _rebuild(self) -> None:
        merged = self.merge({name: f.document for name, f in self._fetched.items()})
        merged["x-agora-unavailable"] = sorted(self._missing)
        self._merged = json.dumps(merged, separators=(",", ":")).encode()
        self.etag = '"' + hashlib.sha256(self._merged).hexdigest()[:32] + '"'
        paths: dict[str, list[str]] = {}
        for path in merged["paths"]:
            routed = upstream_for(path)
            if routed is not None:
                paths.setdefault(routed[0], []).append(path)
        self.templates = RouteTemplates.from_paths(paths)

    def merge(self, documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
        schemas: dict[str, Any] = {}
        paths: dict[str, Any] = {}
        operation_ids: dict[str, str] = {}
        tags: dict[str, dict[str, Any]] = {}
        for name in sorted(documents):
            # As the chassis documents errors, also for a service that is not on it.
            document = problems_as_sent(copy.deepcopy(documents[name]))
            own = document.get("components", {}).get("schemas", {}) or {}
            renames: dict[str, str] = {}
            for schema_name, schema in own.items():
                if schema_name in schemas and schemas[schema_name] != schema:
                    renames[schema_name] = f"{name.capitalize()}{schema_name}"
            for schema_name, schema in own.items():
                target = renames.get(schema_name, schema_name)
                schemas[target] = _rewrite_refs(schema, renames)
                if target != schema_name:
                    # Client generators name classes by title: two ``Money`` clash.
                    schemas[target]["title"] = target
            for path, item in (document.get("paths") or {}).items():
                routed = upstream_for(path)
                if routed is None or routed[0] != name or not isinstance(item, dict):
                    continue
                merged_item = self._gateway_item(path, _rewrite_refs(item, renames))
                paths[path] = _unique_operation_ids(merged_item, name, path, operation_ids)
            for tag in document.get("tags") or []:
                if isinstance(tag, dict) and "name" in tag:
                    tags.setdefault(tag["name"], tag)
        # The chassis's Problem is every service's; a fleet without one still answers
        # problems (the gateway's own).
        for schema_name, schema in problem_schemas().items():
            schemas.setdefault(schema_name, schema)
        merged: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {
                "title": self.title,
                "version": self.version,
                "description": self.description,
            },
            "servers": [{"url": self.server_url or "/"}],
            "paths": dict(sorted(paths.items())),
            "components": {
                "schemas": schemas,
                "responses": dict(COMPONENT_RESPONSES.values()),
                "headers": COMPONENT_HEADERS,
                "securitySchemes": SECURITY_SCHEMES,
            },
        }
        merged["tags"] = document_tags(paths, tags)
        return merged

    def _gateway_item(self, path: str, item: dict[str, Any]) -> dict[str, Any]:
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            secured = "security" in operation
            scopes, note = _scope_note(method, path)
            if secured:
                # The service's `{}`: anonymous callers are welcome too.
                anonymous: list[dict[str, list[str]]] = [{}] if {} in operation["security"] else []
                operation["security"] = copy.deepcopy(_SECURITY) + anonymous
            if scopes is not None:
                operation["x-agora-api-key-scopes"] = scopes
            description = operation.get("description") or ""
            operation["description"] = (description + "\n\n" if description else "") + note
            _add_gateway_answers(operation, secured, self.limited(method.upper(), path))
            mark_deprecated(operation, method, path, self.deprecations)
        return item
