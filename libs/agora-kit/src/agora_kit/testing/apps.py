"""A service's app in its tests: settings that poll and retry quickly, the app running
(its lifespan entered) with tokens of :class:`~agora_kit.testing.tokens.Keys` trusted,
and an HTTP client calling it in process; ``app_fixture`` and ``client_fixture`` make
the ``app`` and ``client`` fixtures most services' tests share."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from agora_kit.events.inprocess import InProcessTransport
from agora_kit.settings import CommonSettings, ServiceSettings
from agora_kit.testing.tokens import Keys

S = TypeVar("S", bound=ServiceSettings)

logger = logging.getLogger("agora.testing")

SHUTDOWN_SECONDS = 15


def service_settings(
    settings_class: type[S], database_url: str, events_database_url: str, **overrides: Any
) -> S:
    """``settings_class`` on these databases, its outbox and retries quick; ``overrides``
    set anything else."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "outbox_poll_seconds": 0.05,
        "event_retry_base_seconds": 0.05,
        "common": CommonSettings(events_database_url=events_database_url),
    }
    values.update(overrides)
    return settings_class(**values)


@asynccontextmanager
async def running(app: FastAPI, keys: Keys | None = None) -> AsyncIterator[FastAPI]:
    """``app`` with its lifespan entered, trusting the tokens ``keys`` signs; the app
    itself (not the lifespan manager's wrapper), so tests can read ``app.state``."""
    if keys is not None:
        app.state.jwks_verifier = keys.verifier()
    # Shutdown lets handlers in flight finish (an in-process subscription waits up to
    # 10 s for them), so allow it more than asgi-lifespan's default of 5 s.
    report: asyncio.TimerHandle | None = None
    try:
        async with LifespanManager(app, shutdown_timeout=SHUTDOWN_SECONDS):
            try:
                yield app
            finally:
                # A shutdown that does not end waits on something: show what, while it
                # still waits (once it times out, its tasks are cancelled) (ADR 0095).
                report = asyncio.get_running_loop().call_later(
                    SHUTDOWN_SECONDS - 1, _report_slow_shutdown
                )
    finally:
        if report is not None:
            report.cancel()


def _report_slow_shutdown() -> None:
    logger.error(
        "the app has been shutting down for %d s; its tasks:\n%s",
        SHUTDOWN_SECONDS - 1,
        task_stacks(),
    )


def task_stacks() -> str:
    """Each asyncio task of the running loop (its repr names what it waits for) and
    the chain of coroutines it is suspended in, outermost first."""
    lines: list[str] = []
    for task in asyncio.all_tasks():
        lines.append(f"{task!r:.500}")
        awaited: Any = task.get_coro()
        while awaited is not None and len(lines) < 5000:
            frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "ag_frame", None)
            if frame is None:
                lines.append(f"  awaiting {awaited!r:.300}")
                break
            lines.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
            awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "ag_await", None)
    return "\n".join(lines)


@asynccontextmanager
async def asgi_client(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling ``app`` in process, relative URLs resolved on ``base_url``."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url
    ) as client:
        yield client


def app_fixture(create_app: Callable[..., FastAPI]) -> Any:
    """An ``app`` fixture: ``create_app(settings, transport=transport)`` running, trusting
    the ``keys`` fixture's tokens. The test package provides the ``settings`` fixture."""

    @pytest.fixture
    async def app(
        settings: ServiceSettings, keys: Keys, transport: InProcessTransport
    ) -> AsyncIterator[FastAPI]:
        async with running(create_app(settings, transport=transport), keys) as application:
            yield application

    return app


def client_fixture(base_url: str) -> Any:
    """A ``client`` fixture: an HTTP client calling the ``app`` fixture at ``base_url``."""

    @pytest.fixture
    async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        async with asgi_client(app, base_url) as the_client:
            yield the_client

    return client
