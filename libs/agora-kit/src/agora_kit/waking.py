"""Waiting for a wake-up or a timeout, whichever comes first, in a loop that is stopped
by cancelling it (the outbox relay, the in-process consumers).

Not ``asyncio.wait_for(event.wait(), timeout)``: on Python 3.11 it runs the wait in a
task of its own, and when the task that waits is cancelled after that inner task
finished (the event was set) but before the waiting task resumed, it returns the
result and drops the cancellation. A loop that then waits again never stops, and
whoever awaits it after cancelling it waits forever: a service's shutdown hung so
right after a request that woke its relay (ADR 0095). ``asyncio.timeout`` waits in the
same task, where a cancellation always arrives.
"""

from __future__ import annotations

import asyncio


async def woken(event: asyncio.Event, seconds: float | None) -> bool:
    """Wait until ``event`` is set or ``seconds`` have passed (``None``: no timeout);
    whether it was set (a wake-up that comes with the timeout may count as either)."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True
