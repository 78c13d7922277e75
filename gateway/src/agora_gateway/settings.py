"""The gateway's settings, from ``AGORA_GATEWAY_*`` (shared ones from ``AGORA_*``).

Maps (per-route limits and timeouts) are JSON in the environment, for example
``AGORA_GATEWAY_RATE_LIMIT_ROUTES='{"POST /api/v1/auth/login": "5/minute"}'``. A route
pattern is ``[METHOD ]PATH`` where ``*`` matches one path segment and ``**`` any rest.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from agora_gateway.deprecation import Deprecation
from agora_kit.settings import CommonSettings, check_service_token

# Sign-in, registration and password endpoints: what a credential-stuffing or
# account-enumeration run hits. Counted per client address, since the caller is anonymous.
DEFAULT_ROUTE_LIMITS = {
    "POST /api/v1/auth/login": "10/minute",
    "POST /api/v1/auth/login/mfa": "10/minute",
    "POST /api/v1/auth/token": "10/minute",
    "POST /api/v1/auth/register": "10/minute",
    "POST /api/v1/auth/password/**": "5/minute",
    "POST /api/v1/auth/verify-email": "10/minute",
    # Texts cost money; a code has six digits (ADR 0117).
    "PUT /api/v1/users/me/phone": "5/minute",
    "POST /api/v1/users/me/phone/verify": "10/minute",
}

# A browser page served by this machine, on any port (a frontend's dev server).
DEVELOPMENT_ORIGINS = r"http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?"

# Slower than the default (checkout runs the saga's first step) or faster (search and
# reads should fail fast rather than pile up).
DEFAULT_ROUTE_TIMEOUTS = {
    "GET /api/v1/search/**": 10.0,
    "GET /api/v1/search": 10.0,
    "GET /.well-known/jwks.json": 5.0,
    "POST /api/v1/checkout": 30.0,
}


# Routes whose bodies may pass the general limit: a product image of up to 10 MiB with
# its multipart framing (the catalog checks the file's own size, ADR 0103).
DEFAULT_ROUTE_BODY_LIMITS = {"POST /api/v1/products/*/images": 10 * 1024 * 1024 + 65_536}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AGORA_GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = 8000
    # Proxies in front of the gateway (an ingress) whose X-Forwarded-For is believed,
    # comma-separated; none by default, so callers cannot choose their own address.
    trusted_proxies: str = ""

    # Upstreams, by service name.
    user_url: str = "http://127.0.0.1:8001"
    catalog_url: str = "http://127.0.0.1:8002"
    order_url: str = "http://127.0.0.1:8003"
    payment_url: str = "http://127.0.0.1:8004"
    notification_url: str = "http://127.0.0.1:8005"

    # Connection pool to the upstreams (keep-alive): the most connections in all.
    max_connections: int = 512
    # Seconds an idle pooled connection is kept before it is closed.
    keepalive_expiry_seconds: float = 30.0
    connect_timeout_seconds: float = 2.0
    # Waiting for an upstream's answer (and between chunks of it), unless a route says.
    upstream_timeout_seconds: float = 30.0
    route_timeouts: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_ROUTE_TIMEOUTS))
    # Extra attempts after a connection failure, for idempotent methods only.
    retries: int = 2
    retry_backoff_seconds: float = 0.05

    # Circuit breaker, per upstream: this many failures in a row open it for this long.
    breaker_failure_threshold: int = 5
    breaker_open_seconds: float = 10.0

    # Edge authentication.
    api_key_cache_seconds: float = 60.0
    api_key_cache_size: int = 10_000
    # Follow the user service's events (on the shared event transport) to evict
    # revoked keys from the cache at once; off, the cache lifetime is the only bound.
    api_key_revocation_events: bool = True
    # Token exchanges a client address may cause (cache misses only): stops a flood of
    # made-up keys from reaching the user service.
    api_key_exchange_limit: str = "30/minute"

    # Rate limits (the `limits` library's notation: "100/minute", "10/second;500/hour").
    # `memory://` in all-in-one mode; `redis://host:port/db` shares counters between
    # replicas in distributed mode.
    rate_limit_storage_url: str = "memory://"
    rate_limit_enabled: bool = True
    rate_limit_anonymous: str = "300/minute"
    rate_limit_user: str = "1200/minute"
    rate_limit_api_key: str = "600/minute"
    rate_limit_routes: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_ROUTE_LIMITS))

    # Hardening.
    max_body_bytes: int | None = None  # None: AGORA_MAX_BODY_BYTES
    # Larger limits for some routes ("[METHOD ]/path/*"), such as image uploads.
    route_body_limits: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_ROUTE_BODY_LIMITS)
    )
    # The `agora run` image store (the catalog's local media directory), served at
    # /media/ with year-long immutable caching; empty serves nothing (distributed mode
    # keeps images in S3 behind its own public address).
    media_dir: str = ""
    # The web console's build (console/dist, ADR 0106), served at /console/; empty
    # serves nothing.
    console_dir: str = ""
    max_url_bytes: int = 8192
    max_header_bytes: int = 16_384  # all header names and values together
    max_headers: int = 100
    max_websocket_message_bytes: int = 1_048_576
    # A WebSocket that sends no credentials within this long is closed (4401).
    websocket_auth_timeout_seconds: float = Field(default=5.0, gt=0)
    # Open WebSockets per replica: per user (429 beyond), in total (503 beyond).
    websocket_max_connections_per_user: int = Field(default=10, ge=1)
    websocket_max_connections: int = Field(default=10_000, ge=1)
    cors_allow_origins: list[str] = Field(default_factory=list)
    # Origins allowed besides the list, as a pattern ("" for none). Unset, outside
    # production and with no list, a page this machine serves may call: a frontend's
    # dev server on http://localhost:<any port> (DEVELOPMENT_ORIGINS).
    cors_allow_origin_regex: str | None = None
    cors_max_age_seconds: int = 600
    hsts_seconds: int = 31_536_000

    def cors_origin_pattern(self) -> str | None:
        """The pattern of allowed origins in force (None: the list alone)."""
        if self.cors_allow_origin_regex is not None:
            return self.cors_allow_origin_regex or None
        if self.common.environment != "production" and not self.cors_allow_origins:
            return DEVELOPMENT_ORIGINS
        return None

    # Deprecated routes (docs/api/README.md): route pattern -> {deprecated_at, sunset_at?,
    # successor?, info?}. Their answers carry Deprecation, Sunset and Link headers, and
    # 410 Gone after the sunset; the API document marks them deprecated.
    deprecations: dict[str, Deprecation] = Field(default_factory=dict)

    # The merged API document: how often each service's schema is fetched again.
    openapi_refresh_seconds: float = 60.0
    openapi_retry_seconds: float = 5.0
    openapi_fetch_timeout_seconds: float = 3.0
    public_url: str = ""  # the address clients use, for the document's `servers`

    common: CommonSettings = Field(default_factory=CommonSettings)

    @model_validator(mode="after")
    def _refuse_placeholder_service_token(self) -> Settings:
        check_service_token(self.common)
        return self

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("rate_limit_storage_url must be memory:// or redis://...")
        return value

    @property
    def body_limit(self) -> int:
        return (
            self.max_body_bytes if self.max_body_bytes is not None else self.common.max_body_bytes
        )

    def upstreams(self) -> dict[str, str]:
        return {
            "user": self.user_url.rstrip("/"),
            "catalog": self.catalog_url.rstrip("/"),
            "order": self.order_url.rstrip("/"),
            "payment": self.payment_url.rstrip("/"),
            "notification": self.notification_url.rstrip("/"),
        }
