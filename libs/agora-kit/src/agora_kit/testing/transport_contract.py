"""The contract every event transport passes. A transport's test module subclasses
:class:`TransportContract` and provides a ``transport`` fixture yielding a started
transport; every test uses topics of its own, so one transport serves them all."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import pytest

from agora_kit.events.envelope import CloudEvent, Message, from_message, to_message
from agora_kit.events.transport import Transport

DELIVERY_TIMEOUT = 20.0


def new_topic() -> str:
    return f"agora.test.t{uuid.uuid4().hex[:10]}.v1"


def message(topic: str, key: str, n: int) -> Message:
    event = CloudEvent(source="/agora/test", type="agora.test.thing.happened.v1", data={"n": n})
    return to_message(topic, key, event)


class Collector:
    """A handler that records what it receives and can fail on purpose."""

    def __init__(self, fail: Callable[[Message], bool] | None = None) -> None:
        self.received: list[Message] = []
        self.calls = 0
        self.fail = fail
        self._changed = asyncio.Event()

    async def __call__(self, msg: Message) -> None:
        self.calls += 1
        if self.fail is not None and self.fail(msg):
            raise RuntimeError("handler failed on purpose")
        self.received.append(msg)
        self._changed.set()

    def numbers(self, key: str | None = None) -> list[int]:
        return [
            int(from_message(m).data["n"]) for m in self.received if key is None or m.key == key
        ]

    async def wait_for(self, count: int) -> None:
        async def until() -> None:
            while len(self.received) < count:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(until(), timeout=DELIVERY_TIMEOUT)


async def settle(seconds: float = 1.0) -> None:
    await asyncio.sleep(seconds)


class TransportContract:
    """Behaviour the rest of Agora relies on, whatever the broker."""

    async def test_check_passes(self, transport: Transport) -> None:
        await transport.check()

    async def test_delivers_the_message_intact(self, transport: Transport) -> None:
        topic = new_topic()
        sent = message(topic, "order-1", 7)
        got = Collector()
        sub = await transport.subscribe("g1", [topic], got)
        try:
            await transport.publish(sent)
            await got.wait_for(1)
        finally:
            await sub.close()
        received = got.received[0]
        assert received.topic == topic
        assert received.key == "order-1"
        assert received.value == sent.value
        event = from_message(received)
        assert event == from_message(sent)
        assert event.data == {"n": 7}

    async def test_keeps_order_per_key(self, transport: Transport) -> None:
        topic = new_topic()
        keys = ["a", "b", "c"]
        got = Collector()
        sub = await transport.subscribe("g1", [topic], got)
        try:
            for n in range(30):
                await transport.publish(message(topic, keys[n % 3], n))
            await got.wait_for(30)
        finally:
            await sub.close()
        for i, key in enumerate(keys):
            assert got.numbers(key) == list(range(i, 30, 3))

    async def test_every_group_gets_every_message(self, transport: Transport) -> None:
        topic = new_topic()
        first, second = Collector(), Collector()
        subs = [
            await transport.subscribe("orders", [topic], first),
            await transport.subscribe("payments", [topic], second),
        ]
        try:
            for n in range(5):
                await transport.publish(message(topic, f"k{n}", n))
            await first.wait_for(5)
            await second.wait_for(5)
        finally:
            for sub in subs:
                await sub.close()
        assert sorted(first.numbers()) == list(range(5))
        assert sorted(second.numbers()) == list(range(5))

    async def test_a_failed_handler_gets_the_message_again_and_order_holds(
        self, transport: Transport
    ) -> None:
        topic = new_topic()
        failures = {"left": 2}

        def fail_twice_on_first(msg: Message) -> bool:
            if from_message(msg).data["n"] == 0 and failures["left"] > 0:
                failures["left"] -= 1
                return True
            return False

        got = Collector(fail=fail_twice_on_first)
        sub = await transport.subscribe("g1", [topic], got)
        try:
            for n in range(3):
                await transport.publish(message(topic, "same-key", n))
            await got.wait_for(3)
        finally:
            await sub.close()
        assert got.numbers("same-key") == [0, 1, 2]
        assert got.calls >= 5  # two failed deliveries, then three good ones

    async def test_a_group_resumes_after_what_it_handled(self, transport: Transport) -> None:
        topic = new_topic()
        before = Collector()
        sub = await transport.subscribe("resumer", [topic], before)
        await transport.publish(message(topic, "k", 1))
        await before.wait_for(1)
        await sub.close()

        await transport.publish(message(topic, "k", 2))
        after = Collector()
        sub = await transport.subscribe("resumer", [topic], after)
        try:
            await after.wait_for(1)
            await settle()
        finally:
            await sub.close()
        assert after.numbers() == [2]

    async def test_a_new_group_reads_from_the_beginning(self, transport: Transport) -> None:
        topic = new_topic()
        await transport.publish(message(topic, "k", 1))
        late = Collector()
        sub = await transport.subscribe("late-joiner", [topic], late)
        try:
            await late.wait_for(1)
        finally:
            await sub.close()
        assert late.numbers() == [1]


TransportFactory = Callable[[], Awaitable[Transport]]

__all__ = ["Collector", "TransportContract", "message", "new_topic", "pytest"]
