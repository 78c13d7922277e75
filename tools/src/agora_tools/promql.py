"""What the deploy tests need to know about PromQL and the metric catalogue: the metric
names an expression reads, the queries of every dashboard and rule file, and the
catalogue of ``docs/operations/metrics.md``.

Prometheus itself tells whether a query parses (the tests send each one); this module
only has to find the names in it, which PromQL's lexical rules make simple: a name is
an identifier outside label matchers, ranges and grouping clauses that is neither a
keyword nor called like a function.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from agora_tools.infra.base import REPO_ROOT

CATALOGUE = REPO_ROOT / "docs" / "operations" / "metrics.md"
RULES_DIR = REPO_ROOT / "deploy" / "observability" / "prometheus" / "rules"
DASHBOARDS_DIR = REPO_ROOT / "deploy" / "observability" / "grafana" / "dashboards"
PLANNED = "planned (not yet emitted)"

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_BRACES = re.compile(r"\{[^{}]*\}")
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENT = re.compile(r"(?<![\w.:$])([A-Za-z_:][A-Za-z0-9_:]*)(?![\w:])(?!\s*\()")
_KEYWORDS = {
    "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
    "group_left", "group_right", "inf", "nan", "atan2", "start", "end",
}  # fmt: skip
# Grafana's variables, replaced by values Prometheus accepts before a query is sent.
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "1m",
    "$__range": "1h",
    "${datasource}": "prometheus",
}
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?:([^,()]+?)\s*,\s*)?([A-Za-z_]\w*)\s*\)\s*$")


def metric_names(expr: str) -> set[str]:
    """The metric names ``expr`` reads (recording-rule names included)."""
    text = _STRING.sub('""', expr)
    text = _BRACES.sub("{}", text)
    previous = None
    while previous != text:  # nested subqueries
        previous = text
        text = _BRACKETS.sub("", text)
    text = _GROUPING.sub(" ", text)
    return {name for name in _IDENT.findall(text) if name.lower() not in _KEYWORDS}


def for_prometheus(expr: str, variables: dict[str, str] | None = None) -> str:
    """A dashboard expression with Grafana's variables replaced."""
    for name, value in {**GRAFANA_VARIABLES, **(variables or {})}.items():
        expr = expr.replace(name, value)
    return expr


@dataclass(frozen=True)
class Query:
    source: str  # file and place, for messages
    expr: str


def rule_queries(rules_dir: Path = RULES_DIR) -> Iterator[Query]:
    for path in sorted(rules_dir.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                name = rule.get("record") or rule.get("alert")
                yield Query(f"{path.name}:{name}", str(rule["expr"]))


def recorded_names(rules_dir: Path = RULES_DIR) -> set[str]:
    names = set()
    for path in sorted(rules_dir.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            names |= {str(rule["record"]) for rule in group["rules"] if "record" in rule}
    return names


def _panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in board.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def dashboard_queries(dashboards_dir: Path = DASHBOARDS_DIR) -> Iterator[Query]:
    """Every panel target's expression; a variable's ``label_values(metric, label)``
    is yielded as the metric's selector."""
    for path in sorted(dashboards_dir.glob("*.json")):
        board = json.loads(path.read_text())
        for variable in board.get("templating", {}).get("list", []):
            if variable.get("type") != "query":
                continue
            query = variable["query"]
            text = query["query"] if isinstance(query, dict) else str(query)
            found = _LABEL_VALUES.match(text)
            if found is None:
                raise ValueError(f"{path.name}: variable {variable['name']}: unsupported {text!r}")
            yield Query(f"{path.name}:${variable['name']}", found.group(1) or "up")
        for panel in _panels(board):
            for target in panel.get("targets", []):
                if "expr" in target:
                    yield Query(f"{path.name}:{panel['title']}:{target['refId']}", target["expr"])


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    type: str
    labels: tuple[str, ...]
    owner: str
    status: str


def catalogue(path: Path = CATALOGUE) -> dict[str, CatalogueEntry]:
    """The metrics table of the catalogue, by name."""
    entries: dict[str, CatalogueEntry] = {}
    in_table = False
    for line in path.read_text().splitlines():
        if line.startswith("| metric | type | labels | owner | status |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if not in_table or line.startswith("| ---"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = cells[0].strip("`")
        entries[name] = CatalogueEntry(
            name=name,
            type=cells[1],
            labels=tuple(label.strip() for label in cells[2].split(",")),
            owner=cells[3],
            status=cells[4],
        )
    return entries


def series_names(name: str, kind: str) -> set[str]:
    """The sample names a metric family of ``kind`` exports."""
    base = name.removesuffix("_total") if kind == "counter" else name
    return {
        "counter": {f"{base}_total", f"{base}_created"},
        "histogram": {f"{name}_bucket", f"{name}_count", f"{name}_sum", f"{name}_created"},
        "summary": {name, f"{name}_count", f"{name}_sum", f"{name}_created"},
    }.get(kind, {name})
