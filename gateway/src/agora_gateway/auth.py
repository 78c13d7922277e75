"""Edge authentication: who is calling, decided before anything is forwarded.

- ``Authorization: Bearer <JWT>``: verified here against the user service's JWKS with
  the chassis' verifier (no call per request), then forwarded unchanged.
- ``X-API-Key``: exchanged for a short-lived JWT carrying the key's scopes by the user
  service's ``POST /internal/token-exchange``; the answer is cached by the key's
  SHA-256 for ``api_key_cache_seconds`` (at most the token's own lifetime). A key
  revoked in the user service is evicted from every replica's cache when the user
  service's event arrives (``agora_gateway.revocations``); the cache lifetime bounds
  the rest, should that event be late. The key itself is
  not forwarded: upstreams receive ``Authorization: Bearer <exchanged JWT>`` and verify
  it as they verify any token.
- Neither: anonymous. A presented but invalid credential is 401 on every route.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from agora_gateway.observability import GatewayMetrics
from agora_kit.auth import JWKSVerifier, JWTConfig, Principal
from agora_kit.errors import BadRequest, ServiceUnavailable, Unauthorized
from agora_kit.serving import SERVICE_TOKEN_HEADER

logger = logging.getLogger("agora.gateway.auth")

_INVALID_KEY_HEADERS = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
# An exchanged token is not served from the cache in its last seconds: it must still
# be valid when the upstream verifies it.
_EXPIRY_MARGIN_SECONDS = 30.0


@dataclass(frozen=True)
class Identity:
    """The caller as the edge knows it."""

    kind: str  # anonymous, bearer, api_key
    principal: Principal | None = None
    # What goes upstream in Authorization (the bearer as sent, or the exchanged token).
    upstream_authorization: str | None = None
    key_hash: str | None = None

    @property
    def rate_limit_key(self) -> str | None:
        """Who a rate limit counts: the API key, else the user; None when anonymous."""
        if self.kind == "api_key" and self.key_hash is not None:
            return f"key:{self.key_hash[:32]}"
        if self.principal is not None:
            return f"user:{self.principal.user_id}"
        return None


ANONYMOUS = Identity("anonymous")


class _AppClientTransport(httpx.AsyncBaseTransport):
    """Sends through whatever client the app holds at the time of the call, so the
    JWKS comes over the same pool (and a test's replacement client) as the proxy."""

    def __init__(self, get_client: Callable[[], httpx.AsyncClient]) -> None:
        self._get_client = get_client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = await self._get_client().send(request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


@dataclass
class _Cached:
    identity: Identity
    expires_at: float


class ApiKeyCache:
    """Bounded LRU of exchanged tokens by key hash."""

    def __init__(self, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.clock = clock
        self._entries: OrderedDict[str, _Cached] = OrderedDict()

    def get(self, key_hash: str) -> Identity | None:
        entry = self._entries.get(key_hash)
        if entry is None:
            return None
        if entry.expires_at <= self.clock():
            del self._entries[key_hash]
            return None
        self._entries.move_to_end(key_hash)
        return entry.identity

    def put(self, key_hash: str, identity: Identity, ttl: float) -> None:
        if ttl <= 0:
            return
        self._entries[key_hash] = _Cached(identity, self.clock() + ttl)
        self._entries.move_to_end(key_hash)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def evict_user(self, user_id: str) -> int:
        """Forget every exchange of ``user_id``'s keys; how many there were."""
        stale = [
            digest
            for digest, entry in self._entries.items()
            if entry.identity.principal is not None and entry.identity.principal.user_id == user_id
        ]
        for digest in stale:
            del self._entries[digest]
        return len(stale)

    def clear(self) -> None:
        self._entries.clear()


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


class EdgeAuthenticator:
    def __init__(
        self,
        *,
        jwt_config: JWTConfig,
        get_client: Callable[[], httpx.AsyncClient],
        user_url: str,
        metrics: GatewayMetrics,
        cache_seconds: float,
        cache_size: int,
        service_token: str,
        exchange_timeout_seconds: float = 5.0,
    ) -> None:
        self._service_headers = {SERVICE_TOKEN_HEADER: service_token}
        self._get_client = get_client
        self._exchange_url = f"{user_url}/internal/token-exchange"
        self.verifier = JWKSVerifier(
            jwt_config,
            http_client=httpx.AsyncClient(transport=_AppClientTransport(get_client)),
        )
        self.metrics = metrics
        self.cache_seconds = cache_seconds
        self.cache = ApiKeyCache(cache_size)
        # Exchanges under way, by key hash: concurrent requests with one key share one.
        self._pending: dict[str, asyncio.Future[Identity]] = {}
        self.exchange_timeout_seconds = exchange_timeout_seconds

    async def aclose(self) -> None:
        await self.verifier.aclose()

    def _count(self, kind: str, outcome: str) -> None:
        self.metrics.auth.labels(self.metrics.base.service, kind, outcome).inc()

    def presented(self, authorization: str | None, api_key: str | None) -> str:
        """Which kind of credential a request carries (before checking it)."""
        if authorization and api_key is not None:
            raise BadRequest("Send either a bearer token or an API key, not both.")
        if api_key is not None:
            return "api_key"
        if authorization:
            return "bearer"
        return "anonymous"

    async def authenticate(
        self,
        authorization: str | None,
        api_key: str | None,
        *,
        before_exchange: Callable[[], Any] | None = None,
    ) -> Identity:
        """The caller; raises 401 (invalid), 400 (both kinds) or 503 (keys unreachable).
        ``before_exchange`` runs before a token exchange (a cache miss): the place for
        the exchange's own rate limit."""
        kind = self.presented(authorization, api_key)
        if kind == "anonymous":
            return ANONYMOUS
        if kind == "bearer":
            assert authorization is not None
            return await self._bearer(authorization)
        assert api_key is not None
        return await self._api_key(api_key, before_exchange)

    async def _bearer(self, authorization: str) -> Identity:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            self._count("bearer", "invalid")
            raise Unauthorized(
                "Unsupported authorization scheme; send 'Bearer <token>'.",
                headers=_INVALID_KEY_HEADERS,
            )
        try:
            principal = await self.verifier.verify(token)
        except Unauthorized:
            self._count("bearer", "invalid")
            raise
        self._count("bearer", "ok")
        return Identity("bearer", principal, f"Bearer {token}")

    async def _api_key(self, api_key: str, before_exchange: Callable[[], Any] | None) -> Identity:
        if not api_key or len(api_key) > 256 or not api_key.isascii():
            self._count("api_key", "invalid")
            raise Unauthorized("Invalid API key.", headers=_INVALID_KEY_HEADERS)
        digest = key_hash(api_key)
        cached = self.cache.get(digest)
        if cached is not None:
            self._count("api_key", "ok")
            return cached
        pending = self._pending.get(digest)
        if pending is not None:
            # Another request is exchanging the same key: share its answer.
            return await asyncio.shield(pending)
        future: asyncio.Future[Identity] = asyncio.get_running_loop().create_future()
        self._pending[digest] = future
        try:
            if before_exchange is not None:
                await before_exchange()
            identity = await self._exchange(api_key, digest)
            future.set_result(identity)
            return identity
        except BaseException as exc:
            future.set_exception(exc)
            # Nobody else may be waiting; do not let asyncio warn about it.
            future.exception()
            raise
        finally:
            del self._pending[digest]

    async def _exchange(self, api_key: str, digest: str) -> Identity:
        try:
            answer = await self._get_client().post(
                self._exchange_url,
                json={"api_key": api_key},
                headers=self._service_headers,
                timeout=self.exchange_timeout_seconds,
            )
        except httpx.HTTPError as exc:
            self.metrics.api_key_exchanges.labels(self.metrics.base.service, "unreachable").inc()
            logger.warning("token exchange failed: %r", exc)
            raise ServiceUnavailable(
                "API keys cannot be checked right now.", headers={"Retry-After": "5"}
            ) from None
        if answer.status_code in (401, 422):
            self.metrics.api_key_exchanges.labels(self.metrics.base.service, "invalid").inc()
            self._count("api_key", "invalid")
            raise Unauthorized("Invalid API key.", headers=_INVALID_KEY_HEADERS)
        if answer.status_code != 200:
            self.metrics.api_key_exchanges.labels(self.metrics.base.service, "error").inc()
            logger.warning("token exchange answered %s", answer.status_code)
            raise ServiceUnavailable(
                "API keys cannot be checked right now.", headers={"Retry-After": "5"}
            )
        try:
            body = answer.json()
            token = str(body["access_token"])
            expires_in = float(body["expires_in"])
            # The exchanged token is verified like any other: a user service that
            # answered with something unverifiable must not be trusted blindly.
            principal = await self.verifier.verify(token)
        except (ValueError, KeyError, TypeError, Unauthorized):
            self.metrics.api_key_exchanges.labels(self.metrics.base.service, "error").inc()
            logger.exception("token exchange answered an unusable token")
            raise ServiceUnavailable("API keys cannot be checked right now.") from None
        self.metrics.api_key_exchanges.labels(self.metrics.base.service, "ok").inc()
        self._count("api_key", "ok")
        identity = Identity("api_key", principal, f"Bearer {token}", digest)
        ttl = min(self.cache_seconds, expires_in - _EXPIRY_MARGIN_SECONDS)
        self.cache.put(digest, identity, ttl)
        return identity
