"""Trying again until the broker answers: bounded exponential backoff, and a log that
tells an operator what is going on without a line per attempt.

A series of failed attempts logs one warning (the first failure, with where it goes on
from), then each further attempt only at debug level, and one line when it works: a
broker away for an hour costs the log two lines per thing that waits for it, not
thousands.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class BrokerNotConnected(RuntimeError):
    """The broker has not been reached yet: what readiness names (``/readyz`` shows
    the class name) and what a publish meanwhile raises."""


async def until_connected(
    attempt: Callable[[], Awaitable[T]],
    *,
    what: str,
    logger: logging.Logger,
    first_seconds: float = 0.5,
    max_seconds: float = 5.0,
    tried: asyncio.Event | None = None,
) -> T:
    """``attempt()`` again and again, ``first_seconds`` apart and twice as long each
    time up to ``max_seconds``, until it returns; its result. Cancelling stops it.
    ``tried`` is set once the first attempt has ended, however it ended."""
    pause = first_seconds
    attempts = 0
    started = time.monotonic()
    while True:
        attempts += 1
        try:
            result = await attempt()
        except Exception as exc:
            failure: Exception | None = exc
        else:
            failure = None
        finally:
            if tried is not None:
                tried.set()
        if failure is None:
            if attempts > 1:
                logger.info(
                    "%s succeeded after %d attempts (%.0f s)",
                    what,
                    attempts,
                    time.monotonic() - started,
                )
            return result
        if attempts == 1:
            logger.warning(
                "%s failed (%r); trying again in the background, every %.0f s at most",
                what,
                failure,
                max_seconds,
            )
        else:
            logger.debug("%s failed again (attempt %d): %r", what, attempts, failure)
        await asyncio.sleep(pause)
        pause = min(pause * 2, max_seconds)
