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
    whether it was set (a wake-up that comes with the timeout may count as either).
    A task asked to stop whose request was lost on the way (see ``stop_if_cancelled``)
    stops here rather than waits."""
    stop_if_cancelled()
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True


def stop_if_cancelled() -> None:
    """Raise ``CancelledError`` when the running task was asked to stop but the request
    was lost on its way: a library turned it into an error of its own (a database
    driver cancelled mid-query), and a loop that retries on any ``Exception`` would then
    run on, cancelled, for ever. Call it where such a loop catches ``Exception``."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
