"""Waiting in tests for what happens in the background (an event consumed, an index
refreshed, a mail sent): poll until a condition holds, or fail showing the last answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")


@overload
async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, within: float = 10.0, interval: float = 0.05
) -> T: ...


@overload
async def eventually(
    probe: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    within: float = 10.0,
    interval: float = 0.05,
) -> T: ...


async def eventually(
    probe: Callable[[], Awaitable[Any]],
    done: Callable[[Any], bool] = bool,
    *,
    within: float = 10.0,
    interval: float = 0.05,
) -> Any:
    """Poll ``probe`` every ``interval`` seconds until ``done`` holds for its answer
    (by default: the answer is truthy) and return that answer; after ``within`` seconds
    fail with an AssertionError showing the last answer."""
    deadline = time.monotonic() + within
    while True:
        result = await probe()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s (last: {result!r})")
        await asyncio.sleep(interval)
