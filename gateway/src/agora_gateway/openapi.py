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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from agora_gateway.observability import GatewayMetrics
from agora_gateway.routes import SCOPE_RULES, upstream_for
from agora_kit.errors import PROBLEM_JSON

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

_RATE_HEADERS = {
    "RateLimit-Limit": ("Requests allowed in the current window", "integer"),
    "RateLimit-Remaining": ("Requests left in the current window", "integer"),
    "RateLimit-Reset": ("Seconds until the window resets", "integer"),
    "RateLimit-Policy": ("The limit and its window: `<limit>;w=<seconds>`", "string"),
}


def _problem_response(description: str, *, retry_after: bool = False) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if retry_after:
        headers["Retry-After"] = {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer"},
        }
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": _REF_PREFIX + PROBLEM_SCHEMA_NAME}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _rate_headers() -> dict[str, Any]:
    return {
        name: {"description": text, "schema": {"type": kind}}
        for name, (text, kind) in _RATE_HEADERS.items()
    }


# The problem schema, as agora_kit.errors.Problem renders it.
PROBLEM_SCHEMA_NAME = "GatewayProblem"
_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details (application/problem+json).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}


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
    rate_headers = _rate_headers() if limited else {}
    for response in responses.values():
        if limited and isinstance(response, dict) and "$ref" not in response:
            response.setdefault("headers", {}).update(copy.deepcopy(rate_headers))
    gateway_answers: dict[str, dict[str, Any]] = {
        "400": _problem_response("Bad request (both a bearer token and an API key, a bad path)"),
        "413": _problem_response("The request body is over the gateway's limit"),
        "414": _problem_response("The URL is over the gateway's limit"),
        "431": _problem_response("The request headers are over the gateway's limit"),
        "503": _problem_response(
            "The service is unavailable (down, or its circuit is open)", retry_after=True
        ),
        "504": _problem_response("The service did not answer in time"),
    }
    if secured:
        gateway_answers["401"] = _problem_response(
            "Missing, invalid, expired or revoked credentials"
        )
        gateway_answers["403"] = _problem_response(
            "Not allowed (for an API key: outside its scopes)"
        )
    if limited:
        too_many = _problem_response("Rate limit reached", retry_after=True)
        too_many["headers"].update(copy.deepcopy(rate_headers))
        gateway_answers["429"] = too_many
    for status, answer in gateway_answers.items():
        responses.setdefault(status, answer)


def _problems_as_rendered(operation: dict[str, Any]) -> None:
    """FastAPI documents its 422 as ``application/json`` ``HTTPValidationError``; the
    chassis answers every error as problem+json (ADR 0003). Say what is sent."""
    for status, response in (operation.get("responses") or {}).items():
        if not isinstance(response, dict) or not str(status).startswith(("4", "5")):
            continue
        content = response.get("content") or {}
        plain = content.get("application/json")
        if plain is None or PROBLEM_JSON in content:
            continue
        ref = (plain.get("schema") or {}).get("$ref", "")
        if ref.endswith("/HTTPValidationError") or ref.endswith("/Problem") or ref == "":
            response["content"] = {
                PROBLEM_JSON: {"schema": {"$ref": _REF_PREFIX + PROBLEM_SCHEMA_NAME}}
            }


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
        schemas: dict[str, Any] = {PROBLEM_SCHEMA_NAME: _PROBLEM_SCHEMA}
        paths: dict[str, Any] = {}
        tags: dict[str, dict[str, Any]] = {}
        for name in sorted(documents):
            document = documents[name]
            own = document.get("components", {}).get("schemas", {}) or {}
            renames: dict[str, str] = {}
            for schema_name, schema in own.items():
                if schema_name in schemas and schemas[schema_name] != schema:
                    renames[schema_name] = f"{name.capitalize()}{schema_name}"
            for schema_name, schema in own.items():
                target = renames.get(schema_name, schema_name)
                schemas[target] = _rewrite_refs(schema, renames)
            for path, item in (document.get("paths") or {}).items():
                routed = upstream_for(path)
                if routed is None or routed[0] != name or not isinstance(item, dict):
                    continue
                paths[path] = self._gateway_item(path, _rewrite_refs(item, renames))
            for tag in document.get("tags") or []:
                if isinstance(tag, dict) and "name" in tag:
                    tags.setdefault(tag["name"], tag)
        merged: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {
                "title": self.title,
                "version": self.version,
                "description": self.description,
            },
            "servers": [{"url": self.server_url or "/"}],
            "paths": dict(sorted(paths.items())),
            "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
        }
        if tags:
            merged["tags"] = list(tags.values())
        return merged

    def _gateway_item(self, path: str, item: dict[str, Any]) -> dict[str, Any]:
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            secured = "security" in operation
            scopes, note = _scope_note(method, path)
            if secured:
                operation["security"] = copy.deepcopy(_SECURITY)
            if scopes is not None:
                operation["x-agora-api-key-scopes"] = scopes
            description = operation.get("description") or ""
            operation["description"] = (description + "\n\n" if description else "") + note
            _problems_as_rendered(operation)
            _add_gateway_answers(operation, secured, self.limited(method.upper(), path))
        return item
