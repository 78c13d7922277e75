"""The fleet overview: rate, errors and duration of every part, each series linking to
that part's own dashboard, and the health of the event pipeline."""

# PromQL reads best on one line, as it appears in Grafana: long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

from agora_tools.dashboards.builders import Json, Panel, Query, Row, dashboard


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
