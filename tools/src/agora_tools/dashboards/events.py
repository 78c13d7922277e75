"""The event pipeline across the services: outboxes, publishing, consuming, lag and
dead letters, filtered by a service variable."""

# PromQL reads best on one line, as it appears in Grafana: long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

from agora_tools.dashboards.builders import Json, Panel, Query, Row, dashboard, query_variable


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
        [query_variable("service", "Service", "label_values(agora_outbox_backlog, service)")],
    )
