"""The parts every dashboard is made of: queries, panels and rows, how they become
Grafana's panel JSON and are laid out on its 24-column grid, the template variables
and the dashboard around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# Probes and scrapes are not user traffic.
NOT_PROBES = 'route!~"/healthz|/readyz|/metrics"'
SCHEMA_VERSION = 39

Json = dict[str, Any]


@dataclass
class Query:
    expr: str
    legend: str = ""


@dataclass
class Panel:
    title: str
    queries: list[Query]
    unit: str = "short"
    kind: str = "timeseries"
    description: str = ""
    width: int = 12
    height: int = 8
    links: list[Json] = field(default_factory=list)
    stacked: bool = False


@dataclass
class Row:
    title: str
    panels: list[Panel]


def _panel_json(panel: Panel, panel_id: int, x: int, y: int) -> Json:
    targets = [
        {
            "refId": chr(ord("A") + index),
            "datasource": DATASOURCE,
            "expr": query.expr,
            "legendFormat": query.legend or "__auto",
            "range": panel.kind != "table",
            "instant": panel.kind == "table",
        }
        for index, query in enumerate(panel.queries)
    ]
    defaults: Json = {"unit": panel.unit, "links": panel.links}
    options: Json
    if panel.kind == "timeseries":
        defaults["custom"] = {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "stacking": {"mode": "normal" if panel.stacked else "none", "group": "A"},
        }
        options = {
            "legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max"]},
            "tooltip": {"mode": "multi", "sort": "desc"},
        }
    elif panel.kind == "stat":
        options = {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "value",
            "graphMode": "area",
            "textMode": "auto",
        }
    else:  # table
        options = {"showHeader": True}
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": panel.width, "h": panel.height},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options,
        "targets": targets,
    }


def _layout(rows: list[Row]) -> list[Json]:
    """Rows one under another; panels left to right, wrapping at Grafana's 24 columns."""
    panels: list[Json] = []
    panel_id = 1
    y = 0
    for row in rows:
        panels.append(
            {
                "id": panel_id,
                "type": "row",
                "title": row.title,
                "collapsed": False,
                "gridPos": {"x": 0, "y": y, "w": 24, "h": 1},
                "panels": [],
            }
        )
        panel_id += 1
        y += 1
        x = 0
        row_height = 0
        for panel in row.panels:
            if x + panel.width > 24:
                x = 0
                y += row_height
                row_height = 0
            panels.append(_panel_json(panel, panel_id, x, y))
            panel_id += 1
            x += panel.width
            row_height = max(row_height, panel.height)
        y += row_height
    return panels


def _datasource_variable() -> Json:
    return {
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
        "current": {},
        "hide": 0,
        "refresh": 1,
        "options": [],
    }


def query_variable(name: str, label: str, definition: str) -> Json:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "definition": definition,
        "query": {"query": definition, "refId": f"{name}-variable"},
        "refresh": 2,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {},
        "hide": 0,
        "options": [],
        "sort": 1,
    }


def dashboard(
    uid: str, title: str, description: str, rows: list[Row], variables: list[Json] | None = None
) -> Json:
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["agora"],
        "timezone": "utc",
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "templating": {"list": [_datasource_variable(), *(variables or [])]},
        "annotations": {"list": []},
        "links": [
            {
                "title": "Agora dashboards",
                "type": "dashboards",
                "tags": ["agora"],
                "asDropdown": True,
                "includeVars": False,
                "keepTime": True,
            }
        ],
        "panels": _layout(rows),
    }
