"""A service's app in its tests: settings that poll and retry quickly, and the app
running (its lifespan entered) with tokens of :class:`~agora_kit.testing.tokens.Keys`
trusted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from agora_kit.settings import CommonSettings, ServiceSettings
from agora_kit.testing.tokens import Keys

S = TypeVar("S", bound=ServiceSettings)


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
    async with LifespanManager(app, shutdown_timeout=15):
        yield app
