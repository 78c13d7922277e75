"""Calls to the upstream services: a pooled keep-alive client (``agora_gateway.client``),
per-route timeouts, retries of idempotent requests after connection failures, and a
circuit breaker per upstream so a service that is down is answered at once instead of
waited for."""

from __future__ import annotations

import asyncio
import enum
import http.cookiejar
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from agora_gateway.client import (
    AiohttpClient,
    Answer,
    Body,
    ConnectFailure,
    ProtocolFailure,
    ReadTimeout,
    UpstreamClient,
)
from agora_gateway.observability import GatewayMetrics
from agora_gateway.settings import Settings

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """The gateway calls the services for everyone: a cookie a service sets is the
    caller's (relayed in the answer), never kept to be sent for someone else."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def build_client(settings: Settings) -> httpx.AsyncClient:
    """The client of the gateway's own calls to the services (the JWKS, API key
    exchanges, the API documents): keep-alive, no redirects followed, no proxy from the
    environment, no cookie jar. Proxied requests go through ``build_upstream_client``."""
    return httpx.AsyncClient(
        cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
        timeout=httpx.Timeout(
            settings.upstream_timeout_seconds, connect=settings.connect_timeout_seconds
        ),
        limits=httpx.Limits(keepalive_expiry=settings.keepalive_expiry_seconds),
        follow_redirects=False,
        trust_env=False,
    )


def build_upstream_client(settings: Settings) -> AiohttpClient:
    """The pooled client every proxied request goes through (``agora_gateway.client``)."""
    return AiohttpClient(
        max_connections=settings.max_connections,
        keepalive_seconds=settings.keepalive_expiry_seconds,
    )


class BreakerState(enum.IntEnum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


@dataclass
class CircuitBreaker:
    """Opens after ``threshold`` failures in a row; while open every call is refused
    for ``open_seconds``; then one probe call is let through (half-open): its success
    closes the circuit, its failure opens it again."""

    name: str
    threshold: int
    open_seconds: float
    clock: Callable[[], float] = time.monotonic
    on_change: Callable[[str, BreakerState], None] | None = None
    state: BreakerState = BreakerState.CLOSED
    failures: int = 0
    opened_at: float = field(default=-math.inf)
    probing: bool = False

    def retry_after(self) -> float:
        return max(0.0, self.opened_at + self.open_seconds - self.clock())

    def acquire(self) -> bool:
        """Whether a call may go out now; a True must be followed by ``record``."""
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN:
            if self.retry_after() > 0:
                return False
            self._set(BreakerState.HALF_OPEN)
        if self.probing:
            return False
        self.probing = True
        return True

    def record(self, ok: bool | None) -> None:
        """The outcome of an acquired call: True, False, or None when it says nothing
        about the upstream (the client went away)."""
        was_probe = self.probing and self.state is BreakerState.HALF_OPEN
        if was_probe:
            self.probing = False
        if ok is None:
            return
        if ok:
            self.failures = 0
            if self.state is not BreakerState.CLOSED:
                self._set(BreakerState.CLOSED)
            return
        self.failures += 1
        if was_probe or self.failures >= self.threshold:
            self.opened_at = self.clock()
            self._set(BreakerState.OPEN)

    def _set(self, state: BreakerState) -> None:
        self.state = state
        if self.on_change is not None:
            self.on_change(self.name, state)


class UpstreamError(Exception):
    def __init__(self, upstream: str, reason: str) -> None:
        super().__init__(f"{upstream}: {reason}")
        self.upstream = upstream
        self.reason = reason  # timeout, connect_error, circuit_open, protocol_error


class CircuitOpen(UpstreamError):
    def __init__(self, upstream: str, retry_after: float) -> None:
        super().__init__(upstream, "circuit_open")
        self.retry_after = retry_after


class UpstreamTimeout(UpstreamError):
    def __init__(self, upstream: str) -> None:
        super().__init__(upstream, "timeout")


def failed_after_sending(upstream: str, exc: ReadTimeout | ProtocolFailure) -> UpstreamError:
    """A failure once the request went out, the answer's head or its body: a timeout
    (the proxy's 504) or a broken answer (503)."""
    if isinstance(exc, ReadTimeout):
        return UpstreamTimeout(upstream)
    return UpstreamError(upstream, "protocol_error")


class ReplayableBody:
    """A request body the proxy streams upstream; a retry is only safe while none of it
    has been sent, or when it is held whole in memory."""

    def __init__(self, source: AsyncIterator[bytes] | bytes | None) -> None:
        self._source = source
        self.started = False

    @property
    def replayable(self) -> bool:
        return not self.started or not isinstance(self._source, AsyncIterator)

    def content(self) -> Body:
        if self._source is None or isinstance(self._source, bytes):
            return self._source
        return self._stream(self._source)

    async def _stream(self, source: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        self.started = True
        async for chunk in source:
            yield chunk


def _is_failure_status(status: int) -> bool:
    return status in (502, 503, 504)


class Upstreams:
    """Breakers and retry policy for every upstream; the client comes with each call,
    so a test can swap ``app.state.http_client``."""

    def __init__(self, settings: Settings, metrics: GatewayMetrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.base_urls = settings.upstreams()
        self.breakers = {
            name: CircuitBreaker(
                name,
                settings.breaker_failure_threshold,
                settings.breaker_open_seconds,
                on_change=self._breaker_changed,
            )
            for name in self.base_urls
        }
        for name in self.base_urls:
            metrics.circuit_state.labels(metrics.base.service, name).set(0)

    def _breaker_changed(self, name: str, state: BreakerState) -> None:
        self.metrics.circuit_state.labels(self.metrics.base.service, name).set(int(state))

    async def send(
        self,
        client: UpstreamClient,
        upstream: str,
        method: str,
        url: str,
        *,
        headers: list[tuple[str, str]],
        body: ReplayableBody,
        timeout_seconds: float,
    ) -> Answer:
        """The upstream's answer, its body unread; raises UpstreamError subclasses."""
        breaker = self.breakers[upstream]
        if not breaker.acquire():
            raise CircuitOpen(upstream, breaker.retry_after() or 1.0)
        attempts = 1 + (self.settings.retries if method in IDEMPOTENT_METHODS else 0)
        outcome: bool | None = None
        try:
            for attempt in range(1, attempts + 1):
                try:
                    answer = await client.send(
                        method,
                        url,
                        headers,
                        body.content(),
                        read_timeout=timeout_seconds,
                        connect_timeout=self.settings.connect_timeout_seconds,
                    )
                except ConnectFailure as exc:
                    if attempt < attempts and body.replayable:
                        await self._before_retry(upstream, attempt)
                        continue
                    outcome = False
                    if exc.timed_out:
                        raise UpstreamTimeout(upstream) from exc
                    raise UpstreamError(upstream, "connect_error") from exc
                except (ReadTimeout, ProtocolFailure) as exc:
                    outcome = False
                    raise failed_after_sending(upstream, exc) from exc
                outcome = not _is_failure_status(answer.status_code)
                return answer
            raise AssertionError("unreachable: the last attempt returns or raises")
        finally:
            breaker.record(outcome)

    async def _before_retry(self, upstream: str, attempt: int) -> None:
        self.metrics.upstream_retries.labels(self.metrics.base.service, upstream).inc()
        await asyncio.sleep(self.settings.retry_backoff_seconds * attempt)
