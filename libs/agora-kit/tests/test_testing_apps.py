"""``task_stacks``: what a test app's shutdown that does not end shows of its tasks."""

from __future__ import annotations

import asyncio

from agora_kit.testing.apps import task_stacks


async def test_shows_each_task_and_the_coroutines_it_waits_in() -> None:
    never = asyncio.Event()

    async def inner_wait() -> None:
        await never.wait()

    async def outer_wait() -> None:
        await inner_wait()

    stuck = asyncio.create_task(outer_wait(), name="stuck-task")
    await asyncio.sleep(0)
    try:
        shown = task_stacks().splitlines()
    finally:
        stuck.cancel()
    header = next(i for i, line in enumerate(shown) if "name='stuck-task'" in line)
    frames = [line.split()[-1] for line in shown[header + 1 : header + 4]]
    assert frames == ["outer_wait", "inner_wait", "wait"]
    assert shown[header + 4].startswith("  awaiting ")
