"""``woken``: a wait for a wake-up or a timeout that always lets a cancellation through,
however close it comes after the wake-up (ADR 0095)."""

from __future__ import annotations

import asyncio

import pytest

from agora_kit.waking import woken


async def test_tells_a_wake_up_from_a_timeout() -> None:
    event = asyncio.Event()
    assert await woken(event, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await woken(event, 5) is True


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
async def test_a_cancellation_just_after_a_wake_up_is_never_dropped(turns: int) -> None:
    event, waiting = asyncio.Event(), asyncio.Event()

    async def loop() -> None:
        while True:
            event.clear()
            waiting.set()  # the loop waits in woken() from here, without a turn between
            await woken(event, 60)

    task = asyncio.create_task(loop())
    await waiting.wait()
    event.set()
    for _ in range(turns):
        await asyncio.sleep(0)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    if not done:
        task.cancel()
    assert done, f"a cancellation {turns} turn(s) after the wake-up was lost"
    assert task.cancelled()


async def test_a_loop_whose_cancellation_was_swallowed_stops_at_its_next_wait() -> None:
    """A library that turns the cancellation into its own outcome (here: ignores it)
    leaves the task cancelling but running; its next wait stops it rather than hang."""
    event = asyncio.Event()
    swallowed = asyncio.Event()

    async def loop() -> None:
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                swallowed.set()
            await woken(event, None)

    task = asyncio.create_task(loop())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 2)
    assert swallowed.is_set()
