"""The gateway's own series, beside the chassis' RED metrics (which the proxy labels
with the upstream's route template rather than its catch-all route)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from agora_kit.metrics import ServiceMetrics

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class GatewayMetrics:
    def __init__(self, base: ServiceMetrics) -> None:
        self.base = base
        r = base.registry
        self.upstream_requests = Counter(
            "agora_gateway_upstream_requests_total",
            "Calls proxied to an upstream, by route template and outcome (status code, "
            "or timeout, connect_error, circuit_open)",
            ["service", "upstream", "method", "route", "status"],
            registry=r,
        )
        self.upstream_duration = Histogram(
            "agora_gateway_upstream_duration_seconds",
            "Time until an upstream's response headers arrived, by route template",
            ["service", "upstream", "method", "route"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.upstream_retries = Counter(
            "agora_gateway_upstream_retries_total",
            "Attempts repeated after a connection failure (idempotent methods only)",
            ["service", "upstream"],
            registry=r,
        )
        self.circuit_state = Gauge(
            "agora_gateway_circuit_state",
            "Circuit breaker per upstream: 0 closed, 1 half-open, 2 open",
            ["service", "upstream"],
            registry=r,
        )
        self.rate_limited = Counter(
            "agora_gateway_rate_limited_total",
            "Requests answered 429, by limit policy",
            ["service", "policy"],
            registry=r,
        )
        self.rate_limit_errors = Counter(
            "agora_gateway_rate_limit_storage_errors_total",
            "Rate-limit checks skipped because the storage failed (the request passed)",
            ["service"],
            registry=r,
        )
        self.auth = Counter(
            "agora_gateway_auth_total",
            "Edge authentication outcomes, by kind (anonymous, bearer, api_key) and outcome",
            ["service", "kind", "outcome"],
            registry=r,
        )
        self.api_key_exchanges = Counter(
            "agora_gateway_api_key_exchanges_total",
            "Calls to the user service's token exchange (cache misses), by outcome",
            ["service", "outcome"],
            registry=r,
        )
        self.api_key_evictions = Counter(
            "agora_gateway_api_key_evictions_total",
            "Cached API-key exchanges dropped because the user service announced a "
            "revocation, an erasure or a role change",
            ["service"],
            registry=r,
        )
        self.api_key_follower_up = Gauge(
            "agora_gateway_api_key_follower_up",
            "1 while the gateway follows the user service's revocation events; at 0 a "
            "revoked key can live up to api_key_cache_seconds in the cache",
            ["service"],
            registry=r,
        )
        self.websocket_sessions = Gauge(
            "agora_gateway_websocket_sessions",
            "WebSocket sessions being proxied, by route",
            ["service", "upstream", "route"],
            registry=r,
        )
        self.websocket_messages = Counter(
            "agora_gateway_websocket_messages_total",
            "WebSocket messages proxied, by direction (in: to the upstream)",
            ["service", "upstream", "route", "direction"],
            registry=r,
        )
        self.openapi_fetches = Counter(
            "agora_gateway_openapi_fetches_total",
            "Fetches of a service's API document for the merged one, by outcome",
            ["service", "upstream", "outcome"],
            registry=r,
        )
