"""``woken``: a wait for a wake-up or a timeout that always lets a cancellation through,
however close it comes after the wake-up (ADR 0095); ``Bell``: a wake-up for one loop
of a pool, not all of them."""

from __future__ import annotations

import asyncio

import pytest

from agora_kit.waking import Bell, woken


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


async def _waiters(bell: Bell, count: int) -> tuple[list[asyncio.Task[bool]], list[int]]:
    """``count`` loops waiting on ``bell``; the list of those woken, in order."""
    woke: list[int] = []

    async def waiter(number: int) -> bool:
        rung = await bell.wait(None)
        woke.append(number)
        return rung

    tasks = [asyncio.create_task(waiter(n)) for n in range(count)]
    await asyncio.sleep(0)
    return tasks, woke


async def test_a_ring_wakes_one_waiting_loop_not_all() -> None:
    bell = Bell()
    tasks, woke = await _waiters(bell, 4)
    bell.ring()
    await asyncio.sleep(0.01)
    assert woke == [0]
    bell.ring()
    bell.ring()
    await asyncio.sleep(0.01)
    assert woke == [0, 1, 2]
    assert not tasks[3].done()
    tasks[3].cancel()
    assert [await t for t in tasks[:3]] == [True, True, True]


async def test_a_ring_while_nobody_waits_is_kept_once_and_clear_forgets_it() -> None:
    bell = Bell()
    bell.ring()
    bell.ring()
    assert await bell.wait(5) is True
    assert await bell.wait(0.01) is False  # kept once, not twice
    bell.ring()
    bell.clear()
    assert await bell.wait(0.01) is False


async def test_a_loop_cancelled_just_after_its_ring_passes_it_on() -> None:
    bell = Bell()
    tasks, woke = await _waiters(bell, 2)
    bell.ring()  # the first loop's
    tasks[0].cancel()  # before it ran again
    await asyncio.sleep(0.01)
    assert tasks[0].cancelled()
    assert woke == [1]
    assert await tasks[1] is True
