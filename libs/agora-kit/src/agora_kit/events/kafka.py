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
- A broker that cannot be reached at start does not stop the service (ADR 0110):
  ``start`` returns after one attempt and goes on trying in the background with bounded
  backoff; until it connects, publishes raise ``BrokerNotConnected`` (the outbox keeps
  the rows), subscriptions wait to start their consumers, and ``check`` fails, so
  ``/readyz`` says 503 and turns 200 by itself once the producer and every consumer are
  connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    TopicAlreadyExistsError,
    UnknownProducerId,
)

from agora_kit.events.envelope import Message
from agora_kit.events.kafka_consumer import KafkaSubscription
from agora_kit.events.reconnect import BrokerNotConnected, until_connected
from agora_kit.events.transport import LagCallback, MessageHandler, SubscribingTransport

logger = logging.getLogger("agora.events.kafka")

# Errors after which an idempotent producer sends nothing more: its sender has stopped.
PRODUCER_FATAL = (OutOfOrderSequenceNumber, ProducerFenced, UnknownProducerId)


class KafkaTransport(SubscribingTransport[KafkaSubscription]):
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
        reconnect_max_seconds: float = 5.0,
    ) -> None:
        super().__init__(redelivery_seconds=redelivery_seconds, batch_size=batch_size)
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.partitions = partitions
        self.replication_factor = replication_factor
        # The longest pause between two attempts to reach a broker that is away.
        self.reconnect_max_seconds = reconnect_max_seconds
        self._producer: AIOKafkaProducer | None = None
        self._producer_lock = asyncio.Lock()
        self._admin: AIOKafkaAdminClient | None = None
        self._known_topics: set[str] = set()
        self._topics_lock = asyncio.Lock()
        self._started = False
        # Set once the admin client and the producer are up; subscriptions wait for it.
        self._connected = asyncio.Event()
        self._connecting: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def wait_connected(self) -> None:
        await self._connected.wait()

    async def start(self) -> None:
        """Connect, or, when the broker cannot be reached, return after that first
        attempt and go on trying in the background."""
        if self._started:
            return
        self._started = True
        tried = asyncio.Event()
        self._connect_in_background(tried)
        # An address that drops packets holds an attempt for aiokafka's request timeout
        # (40 s): the service starts meanwhile, well within its startup probe's minute.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(tried.wait(), timeout=10.0)

    def _connect_in_background(self, tried: asyncio.Event | None = None) -> None:
        if self._connecting is not None and not self._connecting.done():
            return
        self._connecting = asyncio.create_task(
            until_connected(
                self._connect,
                what=f"connecting to Kafka at {self.bootstrap_servers}",
                logger=logger,
                max_seconds=self.reconnect_max_seconds,
                tried=tried,
            ),
            name=f"kafka-connect-{self.client_id}",
        )

    async def _connect(self) -> None:
        """Start what is not running yet: the admin client, then the producer."""
        if self._admin is None:
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self.bootstrap_servers, client_id=f"{self.client_id}-admin"
            )
            try:
                await admin.start()
            except BaseException:
                with contextlib.suppress(Exception):
                    await admin.close()
                raise
            self._admin = admin
        if self._producer is None:
            self._producer = await self._new_producer()
        self._connected.set()

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
        try:
            await producer.start()
        except BaseException:
            # A producer that did not start still holds a client and its tasks.
            with contextlib.suppress(Exception):
                await producer.stop()
            raise
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
            try:
                self._producer = await self._new_producer()
            except KafkaError:
                # The broker is away as well: not connected until a producer starts.
                self._connected.clear()
                self._connect_in_background()

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
            self._connecting = None
        self._connected.clear()
        self._started = False
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

    def _not_connected(self) -> BrokerNotConnected:
        return BrokerNotConnected(f"not connected to Kafka at {self.bootstrap_servers} yet")

    async def check(self) -> None:
        if not self._started:
            raise RuntimeError("the Kafka transport is not started")
        if not self.connected or self._admin is None:
            raise self._not_connected()
        try:
            # Within the readiness probe's own 2 s, so the answer names the broker.
            await asyncio.wait_for(self._admin.describe_cluster(), timeout=1.5)
        except (KafkaError, TimeoutError) as exc:
            raise BrokerNotConnected(
                f"Kafka at {self.bootstrap_servers} does not answer: {exc!r}"
            ) from exc
        stopped = sorted(s.group for s in self._subscriptions if not s.alive)
        if stopped:
            raise RuntimeError(f"the consumer of {', '.join(stopped)} has stopped")
        waiting = sorted(s.group for s in self._subscriptions if not s.connected)
        if waiting:
            raise BrokerNotConnected(f"the consumer of {', '.join(waiting)} is not connected yet")

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
        if not self.connected:
            # At once, rather than after a timeout: the outbox keeps the row meanwhile.
            raise self._not_connected()
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
    ) -> KafkaSubscription:
        # The consumer fetches whatever its partitions hold; ``wanted`` saves nothing.
        subscription = KafkaSubscription(self, topics, group, handler, on_lag)
        if self.connected:
            # As before: a subscription to a broker that is there has joined its group
            # when ``subscribe`` returns.
            try:
                await subscription.connect()
            except KafkaError as exc:
                logger.info("the consumer of %s starts in the background: %r", group, exc)
        return subscription

    def new_consumer(self, group: str, topics: list[str]) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *topics,
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"{self.client_id}-{group}",
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
