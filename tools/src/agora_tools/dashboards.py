"""Grafana dashboards as code: the fleet overview, one dashboard per part, events and
business, written as provisioned JSON to ``deploy/observability/grafana/dashboards/``
by ``agora-ops generate``.

Generated rather than hand-edited so that every part gets the same dashboard, a new
part (added to :data:`agora_tools.fleet.PARTS`) gets one by regenerating, and the
queries live in one reviewable place. Every query is run against a real Prometheus
scraping the fleet by ``tests/deploy/test_promql.py``; metric names come from
``docs/operations/metrics.md``.
"""

# PromQL reads best on one line, as it appears in Grafana: long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agora_tools.fleet import PARTS, SERVICES
from agora_tools.infra.base import REPO_ROOT

DASHBOARDS_DIR = REPO_ROOT / "deploy" / "observability" / "grafana" / "dashboards"
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


def _query_variable(name: str, label: str, definition: str) -> Json:
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


def _to_service_dashboard() -> list[Json]:
    return [
        {
            "title": "Dashboard of ${__field.labels.service}",
            "url": "/d/agora-service-${__field.labels.service}?${__url_time_range}",
        }
    ]


def fleet_overview() -> Json:
    to_service = _to_service_dashboard()
    rows = [
        Row(
            "The fleet now",
            [
                Panel(
                    "Requests per second",
                    [Query("sum(service:agora_http_requests:rate5m)")],
                    "reqps",
                    "stat",
                    width=5,
                    height=4,
                ),
                Panel(
                    "Server errors",
                    [
                        Query(
                            "sum(service:agora_http_errors:rate5m) / sum(service:agora_http_requests:rate5m)"
                        )
                    ],
                    "percentunit",
                    "stat",
                    width=5,
                    height=4,
                ),
                Panel(
                    "Slowest p99",
                    [Query("max(service:agora_http_request_duration_seconds:p99_5m)")],
                    "s",
                    "stat",
                    width=5,
                    height=4,
                ),
                Panel(
                    "Replicas up",
                    [Query('sum(up{job="agora"})')],
                    "short",
                    "stat",
                    width=5,
                    height=4,
                ),
                Panel(
                    "Replicas down",
                    [Query('count(up{job="agora"} == 0) or vector(0)')],
                    "short",
                    "stat",
                    width=4,
                    height=4,
                ),
            ],
        ),
        Row(
            "Rate, errors, duration per service",
            [
                Panel(
                    "Requests per second",
                    [Query("service:agora_http_requests:rate5m", "{{service}}")],
                    "reqps",
                    description="Requests answered, probes and scrapes left out.",
                    links=to_service,
                ),
                Panel(
                    "Share of server errors (5xx)",
                    [Query("service:agora_http_errors:ratio_rate5m", "{{service}}")],
                    "percentunit",
                    description="AgoraHighErrorRate pages above 5%.",
                    links=to_service,
                ),
                Panel(
                    "p99 latency",
                    [Query("service:agora_http_request_duration_seconds:p99_5m", "{{service}}")],
                    "s",
                    description="AgoraHighLatency warns above 1 s.",
                    links=to_service,
                ),
                Panel(
                    "p50 latency",
                    [Query("service:agora_http_request_duration_seconds:p50_5m", "{{service}}")],
                    "s",
                    links=to_service,
                ),
                Panel(
                    "Requests in flight",
                    [Query("sum by (service) (agora_http_requests_in_flight)", "{{service}}")],
                    "short",
                    links=to_service,
                ),
                Panel(
                    "Replicas up per service",
                    [Query('sum by (service) (up{job="agora"})', "{{service}}")],
                    "short",
                    links=to_service,
                ),
            ],
        ),
        Row(
            "Events",
            [
                Panel(
                    "Outbox backlog",
                    [Query("service:agora_outbox_backlog:max", "{{service}}")],
                    "short",
                    width=8,
                ),
                Panel(
                    "Consumer lag",
                    [
                        Query(
                            "sum by (service) (service_topic:agora_consumer_lag_messages:sum)",
                            "{{service}}",
                        )
                    ],
                    "short",
                    width=8,
                ),
                Panel(
                    "Dead-lettered in the last hour",
                    [
                        Query(
                            "sum by (service) (increase(agora_events_dead_lettered_total[1h]))",
                            "{{service}}",
                        )
                    ],
                    "short",
                    width=8,
                ),
            ],
        ),
    ]
    return dashboard(
        "agora-fleet",
        "Agora / Fleet overview",
        "Rate, errors and duration of every part, and the health of the event pipeline.",
        rows,
    )


def service_dashboard(part: str) -> Json:
    sel = f'service="{part}"'
    http = f"{sel}, {NOT_PROBES}"
    rate = "[$__rate_interval]"
    rows = [
        Row(
            "Traffic: rate, errors, duration",
            [
                Panel(
                    "Requests per second by route",
                    [
                        Query(
                            f"sum by (method, route) (rate(agora_http_requests_total{{{http}}}{rate}))",
                            "{{method}} {{route}}",
                        )
                    ],
                    "reqps",
                ),
                Panel(
                    "Answers by status",
                    [
                        Query(
                            f"sum by (status) (rate(agora_http_requests_total{{{http}}}{rate}))",
                            "{{status}}",
                        )
                    ],
                    "reqps",
                    stacked=True,
                ),
                Panel(
                    "Share of server errors (5xx)",
                    [
                        Query(
                            f'sum(rate(agora_http_requests_total{{{http}, status=~"5.."}}{rate}))'
                            f" / sum(rate(agora_http_requests_total{{{http}}}{rate}))",
                            "5xx",
                        )
                    ],
                    "percentunit",
                ),
                Panel(
                    "Latency",
                    [
                        Query(
                            f"histogram_quantile({q}, sum by (le) "
                            f"(rate(agora_http_request_duration_seconds_bucket{{{http}}}{rate})))",
                            f"p{int(float(q) * 100)}",
                        )
                        for q in ("0.5", "0.95", "0.99")
                    ],
                    "s",
                ),
                Panel(
                    "Slowest routes (p99)",
                    [
                        Query(
                            "topk(10, histogram_quantile(0.99, sum by (method, route, le) "
                            f"(rate(agora_http_request_duration_seconds_bucket{{{http}}}{rate}))))",
                            "{{method}} {{route}}",
                        )
                    ],
                    "s",
                ),
                Panel(
                    "Requests in flight",
                    [Query(f"sum(agora_http_requests_in_flight{{{sel}}})", "in flight")],
                    "short",
                ),
            ],
        ),
        Row(
            "Replicas",
            [
                Panel(
                    "Replicas answering scrapes",
                    [Query(f'up{{job="agora", {sel}}}', "{{instance}}")],
                    "short",
                    width=8,
                ),
                Panel(
                    "Resident memory",
                    [Query(f"process_resident_memory_bytes{{{sel}}}", "{{instance}}")],
                    "bytes",
                    width=8,
                ),
                Panel(
                    "CPU",
                    [Query(f"rate(process_cpu_seconds_total{{{sel}}}{rate})", "{{instance}}")],
                    "percentunit",
                    width=8,
                ),
            ],
        ),
    ]
    rows += _own_rows(part, sel, rate)
    if part in SERVICES:
        rows.append(
            Row(
                "Events",
                [
                    Panel(
                        "Published per second by topic",
                        [
                            Query(
                                f"sum by (topic) (rate(agora_events_published_total{{{sel}}}{rate}))",
                                "{{topic}}",
                            )
                        ],
                        "ops",
                    ),
                    Panel(
                        "Publish failures per second",
                        [
                            Query(
                                f"sum by (topic) (rate(agora_events_publish_failures_total{{{sel}}}{rate}))",
                                "{{topic}}",
                            )
                        ],
                        "ops",
                    ),
                    Panel(
                        "Consumed per second by outcome",
                        [
                            Query(
                                f"sum by (event_type, outcome) (rate(agora_events_consumed_total{{{sel}}}{rate}))",
                                "{{event_type}} {{outcome}}",
                            )
                        ],
                        "ops",
                    ),
                    Panel(
                        "Handling time (p99) by event type",
                        [
                            Query(
                                "histogram_quantile(0.99, sum by (event_type, le) "
                                f"(rate(agora_event_handle_duration_seconds_bucket{{{sel}}}{rate})))",
                                "{{event_type}}",
                            )
                        ],
                        "s",
                    ),
                    Panel(
                        "Consumer lag by topic",
                        [
                            Query(
                                f"sum by (topic) (agora_consumer_lag_messages{{{sel}}})",
                                "{{topic}}",
                            )
                        ],
                        "short",
                    ),
                    Panel(
                        "Outbox",
                        [
                            Query(f"max(agora_outbox_backlog{{{sel}}})", "unpublished rows"),
                            Query(
                                f"max(agora_outbox_oldest_unpublished_age_seconds{{{sel}}})",
                                "oldest (seconds)",
                            ),
                        ],
                        "short",
                    ),
                    Panel(
                        "Dead-lettered",
                        [
                            Query(
                                f"sum by (topic, event_type) (increase(agora_events_dead_lettered_total{{{sel}}}{rate}))",
                                "{{event_type}}",
                            )
                        ],
                        "short",
                        width=24,
                    ),
                ],
            )
        )
    return dashboard(
        f"agora-service-{part}",
        f"Agora / Service / {part}",
        f"The {part} {'gateway' if part == 'gateway' else 'service'}: traffic, replicas"
        + (" and events." if part in SERVICES else "."),
        rows,
    )


def _own_rows(part: str, sel: str, rate: str) -> list[Row]:
    """Rows for the metrics a part exports beside the chassis's (docs/operations/metrics.md)."""
    if part == "gateway":
        return [
            Row(
                "Upstreams",
                [
                    Panel(
                        "Proxied calls per second by service and outcome",
                        [
                            Query(
                                f"sum by (upstream, status) (rate(agora_gateway_upstream_requests_total{{{sel}}}{rate}))",
                                "{{upstream}} {{status}}",
                            )
                        ],
                        "reqps",
                    ),
                    Panel(
                        "Upstream p99 (time to response headers)",
                        [
                            Query(
                                f"histogram_quantile(0.99, sum by (upstream, le) (rate(agora_gateway_upstream_duration_seconds_bucket{{{sel}}}{rate})))",
                                "{{upstream}}",
                            )
                        ],
                        "s",
                    ),
                    Panel(
                        "Circuit breakers (0 closed, 1 half-open, 2 open)",
                        [
                            Query(
                                f"max by (upstream) (agora_gateway_circuit_state{{{sel}}})",
                                "{{upstream}}",
                            )
                        ],
                        "short",
                        width=8,
                    ),
                    Panel(
                        "Retries per second",
                        [
                            Query(
                                f"sum by (upstream) (rate(agora_gateway_upstream_retries_total{{{sel}}}{rate}))",
                                "{{upstream}}",
                            )
                        ],
                        "ops",
                        width=8,
                    ),
                    Panel(
                        "API document fetches",
                        [
                            Query(
                                f"sum by (upstream, outcome) (rate(agora_gateway_openapi_fetches_total{{{sel}}}{rate}))",
                                "{{upstream}} {{outcome}}",
                            )
                        ],
                        "ops",
                        width=8,
                    ),
                ],
            ),
            Row(
                "Edge: authentication, rate limits, WebSockets",
                [
                    Panel(
                        "Authentication by kind and outcome",
                        [
                            Query(
                                f"sum by (kind, outcome) (rate(agora_gateway_auth_total{{{sel}}}{rate}))",
                                "{{kind}} {{outcome}}",
                            )
                        ],
                        "ops",
                    ),
                    Panel(
                        "Rate-limited (429) per second by policy",
                        [
                            Query(
                                f"sum by (policy) (rate(agora_gateway_rate_limited_total{{{sel}}}{rate}))",
                                "{{policy}}",
                            ),
                            Query(
                                f"sum(rate(agora_gateway_rate_limit_storage_errors_total{{{sel}}}{rate}))",
                                "storage errors",
                            ),
                        ],
                        "ops",
                    ),
                    Panel(
                        "API-key exchanges by outcome",
                        [
                            Query(
                                f"sum by (outcome) (rate(agora_gateway_api_key_exchanges_total{{{sel}}}{rate}))",
                                "{{outcome}}",
                            )
                        ],
                        "ops",
                    ),
                    Panel(
                        "WebSocket sessions and messages",
                        [
                            Query(
                                f"sum by (upstream) (agora_gateway_websocket_sessions{{{sel}}})",
                                "sessions {{upstream}}",
                            ),
                            Query(
                                f"sum by (direction) (rate(agora_gateway_websocket_messages_total{{{sel}}}{rate}))",
                                "messages {{direction}}",
                            ),
                        ],
                        "short",
                    ),
                ],
            ),
        ]
    if part == "notification":
        return [
            Row(
                "Deliveries",
                [
                    Panel(
                        "Delivery attempts per second by channel and outcome",
                        [
                            Query(
                                f"sum by (channel, outcome) (rate(agora_notification_delivery_attempts_total{{{sel}}}{rate}))",
                                "{{channel}} {{outcome}}",
                            )
                        ],
                        "ops",
                    ),
                    Panel(
                        "Deliveries given up",
                        [
                            Query(
                                f"sum by (channel) (increase(agora_notification_deliveries_dead_total{{{sel}}}{rate}))",
                                "{{channel}}",
                            )
                        ],
                        "short",
                    ),
                ],
            )
        ]
    return []


def events_dashboard() -> Json:
    sel = 'service=~"$service"'
    rate = "[$__rate_interval]"
    rows = [
        Row(
            "Publishing",
            [
                Panel(
                    "Published per second",
                    [
                        Query(
                            f"sum by (service, topic) (rate(agora_events_published_total{{{sel}}}{rate}))",
                            "{{service}} → {{topic}}",
                        )
                    ],
                    "ops",
                ),
                Panel(
                    "Publish failures per second",
                    [
                        Query(
                            f"sum by (service, topic) (rate(agora_events_publish_failures_total{{{sel}}}{rate}))",
                            "{{service}} → {{topic}}",
                        )
                    ],
                    "ops",
                ),
                Panel(
                    "Outbox backlog",
                    [Query(f"max by (service) (agora_outbox_backlog{{{sel}}})", "{{service}}")],
                    "short",
                    description="Rows written but not yet published. AgoraOutboxBacklogGrowing warns when it keeps growing.",
                ),
                Panel(
                    "Oldest unpublished event",
                    [
                        Query(
                            f"max by (service) (agora_outbox_oldest_unpublished_age_seconds{{{sel}}})",
                            "{{service}}",
                        )
                    ],
                    "s",
                    description="AgoraOutboxStuck pages above 5 minutes.",
                ),
            ],
        ),
        Row(
            "Consuming",
            [
                Panel(
                    "Consumed per second",
                    [
                        Query(
                            f"sum by (service, topic) (rate(agora_events_consumed_total{{{sel}}}{rate}))",
                            "{{topic}} → {{service}}",
                        )
                    ],
                    "ops",
                ),
                Panel(
                    "Consumer lag",
                    [
                        Query(
                            f"sum by (service, topic) (agora_consumer_lag_messages{{{sel}}})",
                            "{{topic}} → {{service}}",
                        )
                    ],
                    "short",
                    description="Events on a topic a service has not handled yet, over every replica.",
                ),
                Panel(
                    "Retries per second",
                    [
                        Query(
                            f'sum by (service, event_type) (rate(agora_events_consumed_total{{{sel}, outcome="retried"}}{rate}))',
                            "{{service}} {{event_type}}",
                        )
                    ],
                    "ops",
                ),
                Panel(
                    "Handling time (p99)",
                    [
                        Query(
                            "histogram_quantile(0.99, sum by (service, event_type, le) "
                            f"(rate(agora_event_handle_duration_seconds_bucket{{{sel}}}{rate})))",
                            "{{service}} {{event_type}}",
                        )
                    ],
                    "s",
                ),
            ],
        ),
        Row(
            "Dead letters",
            [
                Panel(
                    "Dead-lettered in the time range",
                    [Query(f"sum(increase(agora_events_dead_lettered_total{{{sel}}}[$__range]))")],
                    "short",
                    "stat",
                    width=6,
                ),
                Panel(
                    "Dead-lettered by service and event type",
                    [
                        Query(
                            f"sum by (service, topic, event_type) (increase(agora_events_dead_lettered_total{{{sel}}}[$__range]))",
                        )
                    ],
                    "short",
                    "table",
                    description="Each waits in that service's dead_letter table: see the dead-letters runbook.",
                    width=18,
                ),
            ],
        ),
    ]
    return dashboard(
        "agora-events",
        "Agora / Events",
        "The event pipeline: outboxes, publishing, consuming, lag and dead letters.",
        rows,
        [_query_variable("service", "Service", "label_values(agora_outbox_backlog, service)")],
    )


def business_dashboard() -> Json:
    rate = "[$__rate_interval]"
    rows = [
        Row(
            "Orders",
            [
                Panel(
                    "Orders per minute",
                    [Query("sum(rate(agora_orders_placed_total[5m])) * 60")],
                    "short",
                    "stat",
                    width=6,
                    height=4,
                ),
                Panel(
                    "Cart-to-order conversion (1 h)",
                    [Query("agora:cart_to_order_conversion:ratio_rate1h")],
                    "percentunit",
                    "stat",
                    width=6,
                    height=4,
                ),
                Panel(
                    "Payment failures (15 min)",
                    [Query("max(provider:agora_payment_failures:ratio_rate15m)")],
                    "percentunit",
                    "stat",
                    width=6,
                    height=4,
                ),
                Panel(
                    "Orders in the time range",
                    [Query("sum(increase(agora_orders_placed_total[$__range]))")],
                    "short",
                    "stat",
                    width=6,
                    height=4,
                ),
                Panel(
                    "Orders per minute",
                    [
                        Query(f"sum(rate(agora_orders_placed_total{rate})) * 60", "placed"),
                        Query(f"sum(rate(agora_orders_confirmed_total{rate})) * 60", "confirmed"),
                        Query(
                            f"sum by (reason) (rate(agora_orders_cancelled_total{rate})) * 60",
                            "cancelled: {{reason}}",
                        ),
                    ],
                    "short",
                ),
                Panel(
                    "Cart-to-order conversion",
                    [
                        Query("agora:cart_to_order_conversion:ratio_rate1h", "last hour"),
                        Query(
                            f"sum(rate(agora_orders_placed_total{rate})) / sum(rate(agora_carts_created_total{rate}))",
                            "now",
                        ),
                    ],
                    "percentunit",
                    description="Orders placed per cart that received a first item.",
                ),
            ],
        ),
        Row(
            "Gross merchandise value",
            [
                Panel(
                    "GMV per hour by currency (minor units)",
                    [
                        Query(
                            f"sum by (currency) (rate(agora_orders_gmv_minor_units_total{rate})) * 3600",
                            "{{currency}}",
                        )
                    ],
                    "short",
                    description="Confirmed orders' totals, in cents (or the currency's minor unit).",
                ),
                Panel(
                    "Average confirmed order (minor units)",
                    [
                        Query(
                            "sum by (currency) (rate(agora_orders_gmv_minor_units_total[1h]))"
                            " / sum by (currency) (rate(agora_orders_confirmed_total[1h]))",
                            "{{currency}}",
                        )
                    ],
                    "short",
                ),
                Panel(
                    "GMV in the time range (minor units)",
                    [
                        Query(
                            "sum by (currency) (increase(agora_orders_gmv_minor_units_total[$__range]))",
                            "{{currency}}",
                        )
                    ],
                    "short",
                    "table",
                    width=24,
                    height=6,
                ),
            ],
        ),
        Row(
            "Payments",
            [
                Panel(
                    "Payment attempts per minute by outcome",
                    [
                        Query(
                            f"sum by (provider, outcome) (rate(agora_payment_attempts_total{rate})) * 60",
                            "{{provider}} {{outcome}}",
                        )
                    ],
                    "short",
                    stacked=True,
                ),
                Panel(
                    "Share of payments declined or failed",
                    [Query("provider:agora_payment_failures:ratio_rate15m", "{{provider}}")],
                    "percentunit",
                    description="AgoraPaymentFailureRateHigh pages above 25%.",
                ),
                Panel(
                    "Refunds per hour",
                    [
                        Query(
                            f"sum by (provider, currency) (rate(agora_payment_refunds_total{rate})) * 3600",
                            "{{provider}} {{currency}}",
                        )
                    ],
                    "short",
                    width=24,
                ),
            ],
        ),
    ]
    return dashboard(
        "agora-business",
        "Agora / Business",
        "Orders, gross merchandise value, conversion and payments. "
        "Reads metrics the order and payment services emit (docs/operations/metrics.md).",
        rows,
    )


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
