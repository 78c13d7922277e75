"""One dashboard per part of the fleet: its traffic and replicas, the metrics it
exports beside the chassis's (the gateway's upstreams and edge, the notification
service's deliveries) and, for the services, its events."""

# PromQL reads best on one line, as it appears in Grafana: long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

from agora_tools.dashboards.builders import NOT_PROBES, Json, Panel, Query, Row, dashboard
from agora_tools.fleet import SERVICES


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
