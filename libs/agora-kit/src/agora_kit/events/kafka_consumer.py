"""A consumer group's subscription on the Kafka transport: its consumer, started once
the transport is connected, and the loop that hands each partition's records to the
handler in order and commits their offsets after it returned (see
``agora_kit.events.kafka``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import OffsetAndMetadata

from agora_kit.events.envelope import Message
from agora_kit.events.reconnect import BrokerNotConnected, until_connected
from agora_kit.events.transport import LagCallback, MessageHandler

if TYPE_CHECKING:
    from agora_kit.events.kafka import KafkaTransport

logger = logging.getLogger("agora.events.kafka")


def _to_message(record: ConsumerRecord[bytes, bytes]) -> Message:
    return Message(
        topic=record.topic,
        key=(record.key or b"").decode(),
        headers=tuple((k, bytes(v)) for k, v in record.headers),
        value=record.value or b"",
        position=f"{record.partition}:{record.offset}",
    )


class KafkaSubscription:
    def __init__(
        self,
        transport: KafkaTransport,
        topics: list[str],
        group: str,
        handler: MessageHandler,
        on_lag: LagCallback | None,
    ) -> None:
        self.transport = transport
        self.topics = topics
        self._consumer: AIOKafkaConsumer | None = None
        self.group = group
        self.handler = handler
        self.on_lag = on_lag
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._next_offsets: dict[TopicPartition, int] = {}

    @property
    def consumer(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            raise BrokerNotConnected(f"the consumer of {self.group} is not connected yet")
        return self._consumer

    @property
    def connected(self) -> bool:
        return self._consumer is not None

    async def connect(self) -> None:
        """Create the topics if need be and start the consumer: it has joined its group
        and has its partitions when this returns."""
        await self.transport.ensure_topics(self.topics)
        consumer = self.transport.new_consumer(self.group, self.topics)
        try:
            await consumer.start()
        except BaseException:
            with contextlib.suppress(Exception):
                await consumer.stop()
            raise
        self._consumer = consumer

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"kafka-consume-{self.group}")

    async def close(self) -> None:
        self._stopping.set()
        if self._task is not None:
            # One still waiting for the broker has nothing to finish.
            _, pending = await asyncio.wait([self._task], timeout=10 if self.connected else 0)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self._task = None
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
        self.transport._forget(self)

    @property
    def alive(self) -> bool:
        """Whether the consuming task runs (it ends only when the subscription closes)."""
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        if self._consumer is None:
            # The transport's own attempts say that the broker is away; this one's
            # say only what goes wrong once it is there.
            await self.transport.wait_connected()
            await until_connected(
                self.connect,
                what=f"starting the Kafka consumer of {self.group}",
                logger=logger,
                max_seconds=self.transport.reconnect_max_seconds,
            )
        while not self._stopping.is_set():
            try:
                await self._consume_once()
            except Exception:
                # Whatever went wrong with one batch must not silence the consumer for
                # good: the partitions would stay assigned to a replica that reads
                # nothing. The records not committed are delivered again.
                logger.exception("consuming for %s failed; going on", self.group)
                await asyncio.sleep(self.transport.redelivery_seconds)

    async def _consume_once(self) -> None:
        try:
            batch = await self.consumer.getmany(
                timeout_ms=500, max_records=self.transport.batch_size
            )
        except KafkaError:
            logger.exception("fetching from Kafka failed for %s", self.group)
            await asyncio.sleep(self.transport.redelivery_seconds)
            return
        # Partitions are independent (a key lives on one): their records are handled
        # side by side, each partition's in order, as replicas would handle them.
        outcomes = await asyncio.gather(
            *(self._handle_partition(partition, records) for partition, records in batch.items())
        )
        failed = False
        handled: dict[TopicPartition, OffsetAndMetadata] = {}
        for partition, (done, partition_failed) in zip(batch, outcomes, strict=True):
            failed = failed or partition_failed
            if done is not None:
                self._next_offsets[partition] = done + 1
                handled[partition] = OffsetAndMetadata(done + 1, "")
        # Partitions a rebalance took away meanwhile are their new owner's to commit.
        assigned = self.consumer.assignment()
        handled = {p: offset for p, offset in handled.items() if p in assigned}
        if handled:
            # One commit for the batch's partitions, after all their handlers returned
            # (a round trip per partition would hold the next batch back).
            try:
                await self.consumer.commit(handled)
            except CommitFailedError:
                # A partition moved to another replica in a rebalance; it will deliver
                # from the last commit and the inbox drops what was handled here.
                logger.warning("offset commit for %s lost in a rebalance", sorted(handled))
        self._report_lag()
        if failed:
            await asyncio.sleep(self.transport.redelivery_seconds)

    async def _handle_partition(
        self, partition: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
    ) -> tuple[int | None, bool]:
        """Handle a partition's records in order; the offset of the last one handled,
        and True when one failed (the partition is rewound to it, so it is delivered
        again)."""
        done: int | None = None
        for record in records:
            if self._stopping.is_set():
                break
            try:
                await self.handler(_to_message(record))
            except Exception:
                logger.exception(
                    "handler of %s failed on %s@%s:%s; will redeliver",
                    self.group,
                    record.topic,
                    record.partition,
                    record.offset,
                )
                if partition in self.consumer.assignment():
                    # Otherwise a rebalance took the partition away meanwhile: its new
                    # owner reads on from the last commit.
                    self.consumer.seek(partition, record.offset)
                return done, True
            done = record.offset
        return done, False

    def _report_lag(self) -> None:
        """Lag per topic: the partitions' high watermarks less the next offset to
        handle, from what this replica last fetched (no extra broker round trip)."""
        if self.on_lag is None:
            return
        # Partitions a rebalance moved to another replica are that replica's to report.
        assigned = self.consumer.assignment()
        self._next_offsets = {p: o for p, o in self._next_offsets.items() if p in assigned}
        lag: dict[str, int] = {}
        for partition, next_offset in self._next_offsets.items():
            highwater = self.consumer.highwater(partition)
            if highwater is not None:
                lag[partition.topic] = lag.get(partition.topic, 0) + max(highwater - next_offset, 0)
        for topic, value in lag.items():
            self.on_lag(topic, value)
