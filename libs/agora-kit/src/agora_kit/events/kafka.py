"""The Kafka transport of distributed mode, on aiokafka.

- The producer is idempotent with ``acks=all``: a publish returns once every in-sync
  replica has the record, and a retried send never writes it twice. An error that
  leaves the producer unusable (the broker lost its producer state: out-of-order
  sequence, unknown or fenced producer id) replaces it with a new one; the message
  fails and the outbox relay sends it again on its next round.
- One consumer group per service; offsets are committed only after the handler
  returned, that is after its database transaction committed (FastStream's default
  of committing first would lose events on a crash).
- Records carry the CloudEvents binary mode: attributes in ``ce_*`` headers, the W3C
  ``traceparent`` header, the JSON data as the value, the aggregate id as the key.
- Topics are created with the configured partition count before first use.
- A failing handler stops its partition: the transport seeks back to the record and
  delivers it again after a pause, so per-key order holds (the consumer above decides
  when to give up and dead-letter).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CommitFailedError,
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    TopicAlreadyExistsError,
    UnknownProducerId,
)
from aiokafka.structs import OffsetAndMetadata

from agora_kit.events.envelope import Message
from agora_kit.events.transport import LagCallback, MessageHandler, SubscribingTransport

logger = logging.getLogger("agora.events.kafka")

# Errors after which an idempotent producer sends nothing more: its sender has stopped.
PRODUCER_FATAL = (OutOfOrderSequenceNumber, ProducerFenced, UnknownProducerId)


class KafkaTransport(SubscribingTransport["_Subscription"]):
    name = "kafka"

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str = "agora",
        partitions: int = 6,
        replication_factor: int = 1,
        redelivery_seconds: float = 1.0,
        batch_size: int = 100,
    ) -> None:
        super().__init__(redelivery_seconds=redelivery_seconds, batch_size=batch_size)
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.partitions = partitions
        self.replication_factor = replication_factor
        self._producer: AIOKafkaProducer | None = None
        self._producer_lock = asyncio.Lock()
        self._admin: AIOKafkaAdminClient | None = None
        self._known_topics: set[str] = set()
        self._topics_lock = asyncio.Lock()

    async def start(self) -> None:
        if self._producer is not None:
            return
        self._admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap_servers, client_id=f"{self.client_id}-admin"
        )
        await self._admin.start()
        self._producer = await self._new_producer()

    async def _new_producer(self) -> AIOKafkaProducer:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=self.client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=0,
            # A publish that cannot reach the broker fails in seconds, and the outbox
            # row waits for the relay's next round, instead of holding the round.
            request_timeout_ms=10_000,
        )
        await producer.start()
        return producer

    async def _replace_producer(self, broken: AIOKafkaProducer) -> None:
        """A new producer in place of ``broken``, once, however many publishes saw it
        fail at the same time."""
        async with self._producer_lock:
            current = self._producer
            if current is None or current is not broken:
                return
            self._producer = None
            with contextlib.suppress(Exception):
                await current.stop()
            self._producer = await self._new_producer()

    async def close(self) -> None:
        await self._close_subscriptions()
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
        if self._admin is not None:
            await self._admin.close()
            self._admin = None

    @property
    def producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("the Kafka transport is not started")
        return self._producer

    async def check(self) -> None:
        if self._admin is None:
            raise RuntimeError("the Kafka transport is not started")
        await asyncio.wait_for(self._admin.describe_cluster(), timeout=2.0)
        stopped = sorted(s.group for s in self._subscriptions if not s.alive)
        if stopped:
            raise RuntimeError(f"the consumer of {', '.join(stopped)} has stopped")

    async def ensure_topics(self, topics: Iterable[str]) -> None:
        missing = [t for t in topics if t not in self._known_topics]
        if not missing or self._admin is None:
            return
        async with self._topics_lock:
            existing = set(await self._admin.list_topics())
            to_create = [t for t in missing if t not in existing]
            if to_create:
                # Another replica may create it first.
                with contextlib.suppress(TopicAlreadyExistsError):
                    await self._admin.create_topics(
                        [
                            NewTopic(
                                name=topic,
                                num_partitions=self.partitions,
                                replication_factor=self.replication_factor,
                            )
                            for topic in to_create
                        ]
                    )
            self._known_topics.update(missing)

    async def publish(self, message: Message) -> None:
        await self.ensure_topics([message.topic])
        producer = self.producer
        try:
            await producer.send_and_wait(
                message.topic,
                value=message.value,
                key=message.key.encode(),
                headers=list(message.headers),
            )
        except PRODUCER_FATAL:
            logger.exception("the Kafka producer can send no more; starting a new one")
            await self._replace_producer(producer)
            raise

    async def _open(
        self,
        group: str,
        topics: list[str],
        handler: MessageHandler,
        on_lag: LagCallback | None,
        wanted: frozenset[str] | None,
    ) -> _Subscription:
        # The consumer fetches whatever its partitions hold; ``wanted`` saves nothing.
        await self.ensure_topics(topics)
        consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"{self.client_id}-{group}",
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        await consumer.start()
        return _Subscription(self, consumer, group, handler, on_lag)


def _to_message(record: ConsumerRecord[bytes, bytes]) -> Message:
    return Message(
        topic=record.topic,
        key=(record.key or b"").decode(),
        headers=tuple((k, bytes(v)) for k, v in record.headers),
        value=record.value or b"",
        position=f"{record.partition}:{record.offset}",
    )


class _Subscription:
    def __init__(
        self,
        transport: KafkaTransport,
        consumer: AIOKafkaConsumer,
        group: str,
        handler: MessageHandler,
        on_lag: LagCallback | None,
    ) -> None:
        self.transport = transport
        self.consumer = consumer
        self.group = group
        self.handler = handler
        self.on_lag = on_lag
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._next_offsets: dict[TopicPartition, int] = {}

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"kafka-consume-{self.group}")

    async def close(self) -> None:
        self._stopping.set()
        if self._task is not None:
            _, pending = await asyncio.wait([self._task], timeout=10)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self._task = None
        await self.consumer.stop()
        self.transport._forget(self)

    @property
    def alive(self) -> bool:
        """Whether the consuming task runs (it ends only when the subscription closes)."""
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
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
