"""Grafana dashboards as code: the fleet overview, one dashboard per part, events and
business, written as provisioned JSON to ``deploy/observability/grafana/dashboards/``
by ``agora-ops generate``.

Generated rather than hand-edited so that every part gets the same dashboard, a new
part (added to :data:`agora_tools.fleet.PARTS`) gets one by regenerating, and the
queries live in one reviewable place. Every query is run against a real Prometheus
scraping the fleet by ``tests/deploy/test_promql.py``; metric names come from
``docs/operations/metrics.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

from agora_tools.dashboards.builders import (
    DATASOURCE,
    NOT_PROBES,
    SCHEMA_VERSION,
    Json,
    Panel,
    Query,
    Row,
    dashboard,
)
from agora_tools.dashboards.business import business_dashboard
from agora_tools.dashboards.events import events_dashboard
from agora_tools.dashboards.overview import fleet_overview
from agora_tools.dashboards.service import service_dashboard
from agora_tools.fleet import PARTS
from agora_tools.infra.base import REPO_ROOT

DASHBOARDS_DIR = REPO_ROOT / "deploy" / "observability" / "grafana" / "dashboards"


def all_dashboards() -> dict[str, Json]:
    """File name -> dashboard."""
    found = {
        "fleet-overview.json": fleet_overview(),
        "events.json": events_dashboard(),
        "business.json": business_dashboard(),
    }
    for part in PARTS:
        found[f"service-{part}.json"] = service_dashboard(part)
    return found


def render(board: Json) -> str:
    return json.dumps(board, indent=2, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    return {DASHBOARDS_DIR / name: render(board) for name, board in all_dashboards().items()}


__all__ = [
    "DASHBOARDS_DIR",
    "DATASOURCE",
    "NOT_PROBES",
    "SCHEMA_VERSION",
    "Json",
    "Panel",
    "Query",
    "Row",
    "all_dashboards",
    "business_dashboard",
    "dashboard",
    "events_dashboard",
    "fleet_overview",
    "outputs",
    "render",
    "service_dashboard",
]
