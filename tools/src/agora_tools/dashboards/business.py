"""The business: orders, gross merchandise value, cart-to-order conversion and
payments, from the metrics the order and payment services emit."""

# PromQL reads best on one line, as it appears in Grafana: long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

from agora_tools.dashboards.builders import Json, Panel, Query, Row, dashboard


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
