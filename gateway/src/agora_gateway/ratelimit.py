"""Rate limits with the ``limits`` library: fixed windows, counted per API key, per
user, or per client address for anonymous calls; stricter limits on chosen routes.

Storage is ``memory://`` (one process: all-in-one mode) or Redis (shared by every
gateway replica: distributed mode). Each limited answer carries ``RateLimit-Limit``,
``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds until the window ends, as the
IETF RateLimit header fields draft), and ``RateLimit-Policy``; a refused one is 429 with
``Retry-After``. A window starts with the first request it counts and lasts its
period; then the count starts again from the full limit.

If the storage fails (Redis down) the request passes uncounted: the gateway stays up,
the failure is logged and counted in ``agora_gateway_rate_limit_storage_errors_total``.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter

from agora_gateway.auth import Identity
from agora_gateway.observability import GatewayMetrics
from agora_gateway.routes import RuleTable
from agora_gateway.settings import Settings

logger = logging.getLogger("agora.gateway.ratelimit")


@dataclass(frozen=True)
class LimitDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    window_seconds: int
    policy: str

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
            "RateLimit-Policy": f"{self.limit};w={self.window_seconds}",
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_seconds))
        return headers


def build_storage(url: str) -> Storage:
    if url.startswith("memory://"):
        return MemoryStorage()
    # redis-py's asyncio client (already a dependency of the fleet), not coredis.
    return RedisStorage(
        "async+" + url, implementation="redispy", socket_timeout=1.0, socket_connect_timeout=1.0
    )


class RateLimiter:
    def __init__(self, settings: Settings, metrics: GatewayMetrics) -> None:
        self.enabled = settings.rate_limit_enabled
        self.storage = build_storage(settings.rate_limit_storage_url)
        self.strategy = FixedWindowRateLimiter(self.storage)
        self.metrics = metrics
        self.defaults: dict[str, list[RateLimitItem]] = {
            "anonymous": parse_many(settings.rate_limit_anonymous),
            "bearer": parse_many(settings.rate_limit_user),
            "api_key": parse_many(settings.rate_limit_api_key),
        }
        self.routes = RuleTable.most_specific_first(
            {spec: parse_many(limit) for spec, limit in settings.rate_limit_routes.items()}
        )
        self.exchange_limit = parse_many(settings.api_key_exchange_limit)

    async def check_storage(self) -> None:
        if not await self.storage.check():
            raise ConnectionError("the rate-limit storage does not answer")

    async def aclose(self) -> None:
        if isinstance(self.storage, RedisStorage):
            # The bridge's redis-py client holds the connection pool.
            client = getattr(self.storage.bridge, "storage", None)
            close = getattr(client, "aclose", None)
            if close is not None:
                await close()

    async def check(
        self, method: str, path: str, identity: Identity, client_ip: str
    ) -> LimitDecision | None:
        """Count this request; None when limits are off or the storage failed."""
        if not self.enabled:
            return None
        who = identity.rate_limit_key or f"ip:{client_ip}"
        rule = self.routes.lookup(method, path)
        if rule is not None:
            items, namespace = rule.value, f"route:{rule.method} {rule.pattern}"
        else:
            items, namespace = self.defaults[identity.kind], identity.kind
        return await self._hit(items, namespace, who)

    async def check_exchange(self, client_ip: str) -> LimitDecision | None:
        if not self.enabled:
            return None
        return await self._hit(self.exchange_limit, "exchange", f"ip:{client_ip}")

    async def _hit(
        self, items: list[RateLimitItem], namespace: str, who: str
    ) -> LimitDecision | None:
        decisions: list[LimitDecision] = []
        try:
            for item in items:
                allowed = await self.strategy.hit(item, namespace, who)
                stats = await self.strategy.get_window_stats(item, namespace, who)
                window = item.get_expiry()
                reset = min(window, max(0, math.ceil(stats.reset_time - time.time())))
                decisions.append(
                    LimitDecision(
                        allowed=allowed,
                        limit=item.amount,
                        remaining=max(0, stats.remaining),
                        reset_seconds=reset,
                        window_seconds=window,
                        policy=namespace,
                    )
                )
        except Exception as exc:
            self.metrics.rate_limit_errors.labels(self.metrics.base.service).inc()
            logger.warning("rate-limit storage failed, request not counted: %r", exc)
            return None
        # The tightest limit speaks: a refusal first, then the fewest remaining.
        decision = min(decisions, key=lambda d: (d.allowed, d.remaining, -d.reset_seconds))
        if not decision.allowed:
            self.metrics.rate_limited.labels(self.metrics.base.service, namespace).inc()
        return decision
