"""The configuration reference (``docs/operations/configuration.md``), generated from the
settings classes themselves: every environment variable each part reads, its type,
default, bounds and the comment above its field in the code.

Generated, so it cannot drift: ``tests/deploy/test_generated.py`` fails when the
committed page differs from what the code says. The same inventory tells the
docker-compose, Helm and kustomize tests which ``AGORA_*`` variables are real.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from agora_tools.fleet import PARTS
from agora_tools.infra.base import REPO_ROOT

REFERENCE = REPO_ROOT / "docs" / "operations" / "configuration.md"

# The standard OpenTelemetry variables the chassis honours (agora_kit.tracing and the
# SDK); anything else OTEL_* is the SDK's own and documented there.
OTEL_VARIABLES = {
    "OTEL_EXPORTER_OTLP_ENDPOINT": "where spans go (OTLP over HTTP, e.g. `http://jaeger:4318`);"
    " unset: no span is recorded, requests still get trace ids (ADR 0081)",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "the same, for traces only"
    " (a full URL ending in `/v1/traces`)",
    "OTEL_EXPORTER_OTLP_HEADERS": "headers for the collector (authentication)",
    "OTEL_TRACES_EXPORTER": "`none` turns exporting off",
    "OTEL_SDK_DISABLED": "`true` turns exporting off",
    "OTEL_SERVICE_NAME": "overrides `agora-<part>` as the service name in traces",
    "OTEL_RESOURCE_ATTRIBUTES": "extra resource attributes"
    " (`deployment.environment=prod,service.namespace=shop`)",
    "OTEL_TRACES_SAMPLER": "the sampler (`parentbased_traceidratio` with"
    " `OTEL_TRACES_SAMPLER_ARG=0.1` keeps 10%)",
    "OTEL_TRACES_SAMPLER_ARG": "the sampler's argument",
    "OTEL_BSP_SCHEDULE_DELAY": "milliseconds between span exports (default 5000)",
}


# Meanings of the chassis's fields that carry no comment in the code, by field name.
# A field's own description (``Field(description=...)``) or comment wins.
CHASSIS_DOCS = {
    "environment": "`production` refuses placeholder secrets",
    "log_level": "`DEBUG`, `INFO`, `WARNING`, `ERROR`",
    "log_format": "`auto`: readable lines (Rich) at a terminal, JSON elsewhere;"
    " `json` or `console` forces one",
    "log_json": "JSON lines with `service`, `request_id` and `trace_id`; `false` for plain text",
    "event_transport": "`kafka` in distributed mode; `inprocess` is the all-in-one transport",
    "kafka_bootstrap_servers": "Kafka brokers, comma-separated `host:port`",
    "kafka_replication_factor": "replicas of the topics Agora creates (3 on a production cluster)",
    "jwks_url": "where access-token signing keys are published (the user service's JWKS)",
    "jwt_issuer": "the `iss` every access token must carry",
    "jwt_audience": "the `aud` every access token must carry",
    "host": "address to listen on (`0.0.0.0` in a container)",
    "port": "port to listen on",
    "database_url": "the part's own PostgreSQL database,"
    " `postgresql+asyncpg://user:password@host:port/db`",
    "database_pool_size": "most connections open per replica; more requests wait for one",
    "database_pool_idle_seconds": "a pooled connection unused this long is closed",
    "event_retry_base_seconds": "first retry delay of a failing event handler;"
    " doubles per attempt, at most 10 s",
    "secret_key": "derives the keys that encrypt the part's secrets at rest and sign its tokens",
}


@dataclass(frozen=True)
class Setting:
    variable: str
    owner: str  # "shared" or a part
    type: str
    default: str
    secret: bool
    constraints: str
    doc: str


def settings_class(part: str) -> type[BaseSettings]:
    cls: type[BaseSettings] = importlib.import_module(f"agora_{part}.settings").Settings
    return cls


def common_class() -> type[BaseSettings]:
    cls: type[BaseSettings] = importlib.import_module("agora_kit.settings").CommonSettings
    return cls


def _field_comments(cls: type) -> dict[str, str]:
    """The comment lines directly above each field, through the class's bases."""
    comments: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or not klass.__module__.startswith("agora"):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        lines = source.splitlines()
        tree = ast.parse(source)
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node in body:
            if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
                continue
            above: list[str] = []
            index = node.lineno - 2
            while index >= 0 and lines[index].strip().startswith("#"):
                above.insert(0, lines[index].strip().lstrip("#").strip())
                index -= 1
            if above:
                comments[node.target.id] = " ".join(above)
            elif node.target.id not in comments:
                comments[node.target.id] = ""
    return comments


def _is_secret(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in typing.get_args(annotation)


def _type_name(annotation: Any) -> str:
    if _is_secret(annotation):
        return "secret string" + (", optional" if type(None) in typing.get_args(annotation) else "")
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and str(origin).endswith("Literal"):
        return " \\| ".join(f"`{value}`" for value in annotation.__args__)
    return getattr(annotation, "__name__", str(annotation)).replace("|", "\\|")


def _constraints(info: FieldInfo) -> str:
    words = []
    for item in info.metadata:
        for attribute, symbol in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(item, attribute, None)
            if value is not None:
                words.append(f"{symbol} {value}")
    return ", ".join(words)


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        return ""
    value = info.default
    if isinstance(value, SecretStr):
        return "a development placeholder, refused in production"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def settings_of(owner: str, cls: type[BaseSettings]) -> list[Setting]:
    prefix = str(cls.model_config.get("env_prefix", ""))
    comments = _field_comments(cls)
    found = []
    for name, info in cls.model_fields.items():
        if name == "common":
            continue  # the shared settings, read from AGORA_* by their own class
        found.append(
            Setting(
                variable=f"{prefix}{name}".upper(),
                owner=owner,
                type=_type_name(info.annotation),
                default=_default(info),
                secret=_is_secret(info.annotation),
                constraints=_constraints(info),
                doc=info.description or comments.get(name) or CHASSIS_DOCS.get(name, ""),
            )
        )
    return found


def all_settings() -> list[Setting]:
    found = settings_of("shared", common_class())
    for part in PARTS:
        found += settings_of(part, settings_class(part))
    return found


def known_variables() -> set[str]:
    """Every environment variable Agora reads: the settings and OpenTelemetry's."""
    return {setting.variable for setting in all_settings()} | set(OTEL_VARIABLES)


_IDENTITY = "the part's name in metrics, logs and traces; leave it"


def render() -> str:
    out = [
        "# Configuration reference",
        "",
        "<!-- Generated by `uv run agora-ops generate` from the settings classes; do not edit. -->",
        "",
        "Every part of Agora is configured by environment variables only (pydantic-settings),",
        "read when it starts. Shared settings are `AGORA_*`; each part's own are",
        "`AGORA_<PART>_*`. Variables not listed here are ignored. In the Helm chart, set",
        "them under `config` (shared) or `services.<part>.env`; secrets come from a Secret",
        "(see the [operator's guide](operators-guide.md)). Generated from the code, so it",
        "is what the running version reads.",
        "",
        "With `AGORA_ENVIRONMENT=production` a part refuses to start with a placeholder",
        "or short (under 32 characters) `AGORA_<PART>_SECRET_KEY`.",
        "",
    ]
    by_owner: dict[str, list[Setting]] = {}
    for setting in all_settings():
        by_owner.setdefault(setting.owner, []).append(setting)
    for owner, settings in by_owner.items():
        title = "Shared by every part" if owner == "shared" else f"{owner}"
        prefix = "AGORA_" if owner == "shared" else f"AGORA_{owner.upper()}_"
        out += [f"## {title}: `{prefix}*`", ""]
        out += ["| variable | type | default | meaning |", "| --- | --- | --- | --- |"]
        for s in settings:
            doc = _IDENTITY if s.variable.endswith("_SERVICE_NAME") else s.doc
            notes = []
            if s.constraints:
                notes.append(s.constraints)
            if s.secret:
                notes.append("secret: never logged, keep it in a Secret")
            meaning = doc.replace("|", "\\|") + (f" ({'; '.join(notes)})" if notes else "")
            out.append(f"| `{s.variable}` | {s.type} | {s.default} | {meaning.strip()} |")
        out.append("")
    out += ["## OpenTelemetry (standard variables)", "", "| variable | meaning |", "| --- | --- |"]
    out += [f"| `{name}` | {meaning} |" for name, meaning in OTEL_VARIABLES.items()]
    out.append("")
    return "\n".join(out)


def outputs() -> dict[Path, str]:
    return {REFERENCE: render()}
