"""What a running gateway holds, reachable as ``app.state.gateway``, and the edge
checks every proxied call (HTTP or WebSocket) goes through."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from fastapi import FastAPI
from opentelemetry.trace import Tracer
from starlette.requests import HTTPConnection

from agora_gateway.auth import EdgeAuthenticator, Identity
from agora_gateway.client import UpstreamClient
from agora_gateway.observability import GatewayMetrics
from agora_gateway.openapi import OpenAPIAggregator
from agora_gateway.ratelimit import LimitDecision, RateLimiter
from agora_gateway.routes import RuleTable, scopes_for
from agora_gateway.settings import Settings
from agora_gateway.upstream import Upstreams
from agora_kit.errors import Forbidden, ProblemError, TooManyRequests


@dataclass
class Gateway:
    settings: Settings
    metrics: GatewayMetrics
    auth: EdgeAuthenticator
    limiter: RateLimiter
    upstreams: Upstreams
    openapi: OpenAPIAggregator
    timeouts: RuleTable[float] = field(init=False)
    # The tracer of the gateway's client spans, set once the app (and its tracer
    # provider) exists: looked up per request it cost more than the span (ADR 0124).
    tracer: Tracer = field(init=False)

    def __post_init__(self) -> None:
        self.timeouts = RuleTable.most_specific_first(self.settings.route_timeouts)

    @property
    def service_token(self) -> str:
        """The credential every upstream call carries (agora_kit.serving)."""
        return self.settings.common.service_token.get_secret_value()

    def route_timeout(self, method: str, path: str) -> float:
        rule = self.timeouts.lookup(method, path)
        return rule.value if rule is not None else self.settings.upstream_timeout_seconds

    @staticmethod
    def of(app: FastAPI) -> Gateway:
        gateway: Gateway = app.state.gateway
        return gateway

    @staticmethod
    def client(app: FastAPI) -> httpx.AsyncClient:
        """The client of the gateway's own calls (JWKS, API key exchanges, documents)."""
        client: httpx.AsyncClient = app.state.http_client
        return client

    @staticmethod
    def upstream_client(app: FastAPI) -> UpstreamClient:
        """The client proxied requests go through; a test (or an in-process fleet) may
        swap it for an ``HttpxClient``."""
        client: UpstreamClient = app.state.upstream_client
        return client

    async def admit(
        self,
        connection: HTTPConnection,
        method: str,
        path: str,
        credentials: tuple[str | None, str | None],
    ) -> tuple[Identity, LimitDecision | None]:
        """Authenticate, check the API key's scopes, count the rate limit; raises the
        problem to answer otherwise. The decision's headers go on every answer."""
        client_ip = connection.client.host if connection.client else "unknown"
        authorization, api_key = credentials

        async def limit_exchange() -> None:
            decision = await self.limiter.check_exchange(client_ip)
            if decision is not None and not decision.allowed:
                raise TooManyRequests(
                    "Too many API-key checks from this address; retry later.",
                    headers=decision.headers(),
                )

        identity = await self.auth.authenticate(
            authorization, api_key, before_exchange=limit_exchange
        )
        decision = await self.limiter.check(method, path, identity, client_ip)
        if decision is not None and not decision.allowed:
            raise TooManyRequests(
                f"Rate limit of {decision.limit} per {decision.window_seconds} s reached; "
                f"retry in {max(1, decision.reset_seconds)} s.",
                headers=decision.headers(),
            )
        principal = identity.principal
        if principal is not None and principal.scopes is not None:
            needed = scopes_for(method, path)
            if needed is not None and not any(scope in principal.scopes for scope in needed):
                error = _scope_error(needed)
                if decision is not None:
                    error.headers.update(decision.headers())
                raise error
        return identity, decision


def _scope_error(needed: tuple[str, ...]) -> ProblemError:
    if not needed:
        detail = "API keys cannot call this endpoint; sign in as the user."
    else:
        detail = "This API key lacks the scope " + " or ".join(needed) + "."
    scope_param = " ".join(needed)
    return Forbidden(
        detail,
        headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope_param}"'},
    )
