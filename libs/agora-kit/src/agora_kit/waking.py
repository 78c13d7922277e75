"""Waiting for a wake-up or a timeout, whichever comes first, in a loop that is stopped
by cancelling it (the outbox relay, the in-process consumers); and a ``Bell`` that
wakes one of a pool of such loops, not all of them.

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
import collections
import contextlib


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


class Bell:
    """Wakes one waiting loop per ring, not all of them: a pool of workers rung for new
    work sends one to look, and a worker that found some rings for the next, so a burst
    of work wakes about as many workers as it has pieces. A ring while no loop waits is
    kept (one at most) for the next loop that waits; a loop about to look ``clear``s it,
    since its look sees what the ring was about."""

    def __init__(self) -> None:
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        self._kept = False

    def ring(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._kept = True

    def clear(self) -> None:
        self._kept = False

    async def wait(self, seconds: float | None) -> bool:
        """Wait until rung or ``seconds`` have passed (``None``: no timeout); whether it
        was rung. A loop cancelled just after its ring passes the ring on, so the work
        it was rung for is not left waiting; like ``woken``, a cancellation lost on its
        way stops the loop here."""
        stop_if_cancelled()
        if self._kept:
            self._kept = False
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)

        def rung() -> bool:
            return waiter.done() and not waiter.cancelled()

        try:
            async with asyncio.timeout(seconds):
                await waiter
        except TimeoutError:
            return rung()
        except asyncio.CancelledError:
            if rung():
                self.ring()
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiting.remove(waiter)
        return True
