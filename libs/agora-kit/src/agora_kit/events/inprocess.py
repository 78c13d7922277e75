"""The in-process transport of all-in-one mode.

The broker runs inside the ``agora`` process; its log is a table in a database of the
embedded PostgreSQL server, so a message the relay handed over survives a crash or a
restart like it would on Kafka. Consumer groups keep an offset per topic; an advisory
lock on (group, topic) is held while a batch is handled, so two processes in one group
never handle the same topic at once. Publishing takes a per-topic advisory lock so log
ids commit in order and a consumer reading "after my offset" never skips a late commit.

A publish wakes this process's consumers of its topic that want its type, and a
woken consumer reads only when the log may hold something past what it handled; a
round that finds nothing writes nothing, so it costs no commit to disk (ADR 0089).
Types a consumer does not act on wait for the next one it does, or the poll. Every
write also sends a ``pg_notify`` (delivered when it commits) naming the topic, its
newest id and the types written, which the transports of other processes hear on a
connection of their own and wake their consumers as their own publishes do (ADR 0129).
The poll is the safety net for what a listener missed: one query a process makes for
every topic its subscriptions read (the watcher), waking the subscriptions of the
topics that grew (ADR 0102); a subscription looks for itself only once in a long while,
in case (ADR 0114).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import timedelta

from sqlalchemy import BigInteger, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.selectable import TextualSelect

from agora_kit.db import Database
from agora_kit.events.envelope import Message
from agora_kit.events.inprocess_consumer import InProcessSubscription
from agora_kit.events.inprocess_log import ANY_PAST, NEWEST, event_log, log_metadata
from agora_kit.events.inprocess_retention import LogRetention
from agora_kit.events.transport import LagCallback, MessageHandler, SubscribingTransport
from agora_kit.listening import Listener
from agora_kit.settings import CommonSettings
from agora_kit.waking import stop_if_cancelled, woken

logger = logging.getLogger("agora.events.inprocess")

# A publisher's per-topic lock, held until the write commits; and the same lock for a
# write whose commit does not wait for the disk (synchronous_commit off for it).
_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(:topic))"
_NO_FLUSH_SQL = ", set_config('synchronous_commit', 'off', true)"
_LOCK = text(_LOCK_SQL)
_LOCK_NO_FLUSH = text(_LOCK_SQL + _NO_FLUSH_SQL)
# What a write tells the other processes: "<origin> <newest id> <types> <topic>", types
# comma-separated ("*": one message without a type, which wakes every consumer).
CHANNEL = "agora_event_log"
_TELL = text("SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[])) AS p")


def _write_one(lock: str) -> TextualSelect:
    """One message in one statement, run outside a transaction (ADR 0114): the lock,
    then the row, then the statement's own commit, which releases the lock. The row's
    id is drawn once the lock is held, as in the transaction of ``_write``: one round
    trip instead of four (BEGIN, the lock, the insert, COMMIT)."""
    return (
        text(
            "WITH locked AS MATERIALIZED (" + lock + "), "  # noqa: S608 - constants only
            "written AS (INSERT INTO event_log (topic, key, headers, value) "
            "SELECT CAST(:topic AS varchar), CAST(:key AS varchar), CAST(:headers AS jsonb),"
            " CAST(:value AS bytea) FROM locked RETURNING id) "
            "SELECT written.id FROM written, LATERAL (SELECT pg_notify('" + CHANNEL + "',"
            " CAST(:origin AS text) || ' ' || written.id || ' ' || CAST(:types AS text)"
            " || ' ' || CAST(:topic AS text))) AS told"
        )
        .bindparams(bindparam("headers", type_=event_log.c.headers.type))
        .columns(id=BigInteger)
    )


_WRITE_ONE = _write_one(_LOCK_SQL)
_WRITE_ONE_NO_FLUSH = _write_one(_LOCK_SQL + _NO_FLUSH_SQL)


def _types(messages: list[Message]) -> str:
    types = {message.header("ce_type") for message in messages}
    return "*" if None in types else ",".join(sorted(t for t in types if t is not None))


def _row(message: Message) -> dict[str, object]:
    return {
        "topic": message.topic,
        "key": message.key,
        "headers": [[k, v.decode()] for k, v in message.headers],
        "value": message.value,
    }


class Waker(asyncio.Event):
    """Set when a message a subscription wants is published to its topic here (any
    message, when it did not say what it wants)."""

    def __init__(self, wanted: frozenset[str] | None) -> None:
        super().__init__()
        self.wanted = wanted

    def wake(self, types: set[str | None]) -> None:
        if self.wanted is None or None in types or not self.wanted.isdisjoint(types):
            self.set()


class InProcessTransport(SubscribingTransport[InProcessSubscription]):
    name = "inprocess"

    def __init__(
        self,
        url: str,
        *,
        poll_seconds: float = 1.0,
        rest_seconds: float = 30.0,
        batch_size: int = 100,
        redelivery_seconds: float = 1.0,
        retention: timedelta = timedelta(days=7),
        trim_seconds: float = 3600.0,
        trims: bool = True,
        flushes: bool = True,
    ) -> None:
        super().__init__(redelivery_seconds=redelivery_seconds, batch_size=batch_size)
        self.url = url
        # Whether a write's commit waits for the disk. Not where the log is a database
        # of the same server as every outbox it relays (one WAL, written in order):
        # the relay marks a row published after its log row committed, so a crash
        # that loses the log row loses the mark too and the row is published again;
        # and a consumer's own commit, which waits, flushes the WAL past what it read.
        self._lock = _LOCK if flushes else _LOCK_NO_FLUSH
        self._write_one = _WRITE_ONE if flushes else _WRITE_ONE_NO_FLUSH
        self.poll_seconds = poll_seconds
        # How long a subscription the watcher did not wake waits before it looks for
        # itself (a safety net: the watcher looks every ``poll_seconds``).
        self.rest_seconds = rest_seconds
        # Without ``trims``, the log's owners trim it (a gateway only follows it).
        self.retention = LogRetention(retention, trim_seconds) if trims else None
        self._engine: AsyncEngine | None = None
        self._log: Database | None = None
        # The same pool, each statement on its own (no BEGIN/COMMIT round trips).
        self._autocommit: AsyncEngine | None = None
        self._wakers: dict[str, set[Waker]] = {}
        # The newest log id this process wrote or its watcher saw, per topic.
        self._newest: dict[str, int] = {}
        self._watcher: asyncio.Task[None] | None = None
        # The newest log id the watcher saw, per topic.
        self._seen: dict[str, int] = {}
        self._pending: list[tuple[Message, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        # Names this transport in what its writes tell others: its own it ignores.
        self.origin = secrets.token_hex(8)
        self._listener = Listener(
            url,
            CHANNEL,
            self._heard,
            on_listening=self._listening_again,
            what="the event log's listener",
        )
        self._listening: asyncio.Task[None] | None = None
        # Set when the watcher should look now, not at its next poll.
        self._look_now = asyncio.Event()

    @classmethod
    def from_settings(
        cls, common: CommonSettings, *, trims: bool = True, flushes: bool = True
    ) -> InProcessTransport:
        days, seconds = common.event_log_retention_days, common.event_log_trim_seconds
        return cls(
            common.events_database_url,
            retention=timedelta(days=days),
            trim_seconds=seconds,
            trims=trims,
            flushes=flushes,
        )

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("the in-process transport is not started")
        return self._engine

    @property
    def autocommit(self) -> AsyncEngine:
        if self._autocommit is None:
            raise RuntimeError("the in-process transport is not started")
        return self._autocommit

    async def start(self) -> None:
        if self._engine is not None:
            return
        # Every consumer group's rounds and every outbox's writes share this pool.
        self._log = Database(self.url, pool_size=25, application_name="agora-events")
        self._engine = self._log.engine
        self._autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")
        async with self._engine.begin() as conn:
            # Two processes starting at once must not race creating the tables.
            await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('agora_event_log'))"))
            await conn.run_sync(log_metadata.create_all)
        if self.retention is not None:
            self.retention.start(self._engine)
        self._listening = asyncio.create_task(self._listener.run(), name="event-log-listener")

    async def close(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listening
            self._listening = None
        if self.retention is not None:
            await self.retention.stop()
        await self._close_subscriptions()
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer
            self._writer = None
        if self._log is not None:
            await self._log.dispose()
            self._log = None
            self._engine = self._autocommit = None

    async def check(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def publish(self, message: Message) -> None:
        """Returns once the message's log row committed. Messages published while a
        write is under way are written together by the next one, in one transaction
        (one commit, one fsync, for a relay round's worth), in the order they came."""
        accepted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((message, accepted))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending(), name="event-log-writer")
        await accepted

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._write([message for message, _ in batch])
            except Exception as exc:
                for _, accepted in batch:
                    if not accepted.done():
                        accepted.set_exception(exc)
                continue
            except BaseException:
                for _, accepted in [*batch, *self._pending]:
                    accepted.cancel()
                self._pending = []
                raise
            for _, accepted in batch:
                if not accepted.done():
                    accepted.set_result(None)
            written: dict[str, set[str | None]] = {}
            for message, _ in batch:
                written.setdefault(message.topic, set()).add(message.header("ce_type"))
            for topic, types in written.items():
                for waker in self._wakers.get(topic, ()):
                    waker.wake(types)

    async def _write(self, messages: list[Message]) -> None:
        """Append the messages to the log in one transaction; once it committed, note
        the newest id written per topic."""
        if len(messages) == 1:
            told = {"origin": self.origin, "types": _types(messages)}
            async with self.autocommit.connect() as conn:
                row = _row(messages[0]) | told
                row_id = (await conn.execute(self._write_one, row)).scalar_one()
            self._note_written([(messages[0].topic, row_id)])
            return
        async with self.engine.begin() as conn:
            # Sorted, so two processes taking several topics' locks cannot deadlock.
            for topic in sorted({message.topic for message in messages}):
                await conn.execute(self._lock, {"topic": topic})
            # Rows as parameters of one statement (executemany, in order): a
            # multi-row VALUES would be a new statement to compile for every count.
            written = await conn.execute(
                event_log.insert().returning(event_log.c.topic, event_log.c.id),
                [_row(message) for message in messages],
            )
            rows = [(topic, row_id) for topic, row_id in written]
            payloads = [
                f"{self.origin} {max(i for t, i in rows if t == topic)}"
                f" {_types([m for m in messages if m.topic == topic])} {topic}"
                for topic in {message.topic for message in messages}
            ]
            await conn.execute(_TELL, {"channel": CHANNEL, "payloads": payloads})
        self._note_written(rows)

    def _heard(self, payload: str) -> None:
        """Another process's write committed: its topic's subscriptions here are woken
        as by a publish of this process's own."""
        try:
            origin, newest, types, topic = payload.split(" ", 3)
            row_id = int(newest)
        except ValueError:
            logger.warning("ignoring a malformed event log notification: %r", payload[:200])
            return
        if origin == self.origin:
            return
        self._newest[topic] = max(row_id, self._newest.get(topic, 0))
        written: set[str | None] = {None} if types == "*" else set(types.split(","))
        for waker in self._wakers.get(topic, ()):
            waker.wake(written)

    def _listening_again(self, first: bool) -> None:
        """What was written while nobody listened went unheard: the watcher looks at
        once rather than at its next poll (the first time too, for writes between the
        subscriptions' start and the listener's), and wakes the topics that grew."""
        self._look_now.set()

    def _note_written(self, rows: list[tuple[str, int]]) -> None:
        """Once the write committed: the newest id this process wrote, per topic."""
        for topic, row_id in rows:
            self._newest[topic] = max(row_id, self._newest.get(topic, 0))

    async def holds_past(self, topic: str, position: int) -> bool:
        """Whether the log holds messages of ``topic`` past ``position`` (one query,
        no transaction)."""
        async with self.autocommit.connect() as conn:
            past = await conn.execute(ANY_PAST, {"topic": topic, "position": position})
            return bool(past.scalar_one())

    def may_hold_past(self, topic: str, position: int) -> bool:
        """Whether the log may hold messages of ``topic`` past ``position``, as far as
        this process's own publishes, the other processes' notifications and the
        watcher tell."""
        return self._newest.get(topic, 0) > position

    async def _open(
        self,
        group: str,
        topics: list[str],
        handler: MessageHandler,
        on_lag: LagCallback | None,
        wanted: frozenset[str] | None,
    ) -> InProcessSubscription:
        return InProcessSubscription(self, group, topics, handler, on_lag, wanted=wanted)

    def _waker(self, topic: str, wanted: frozenset[str] | None) -> Waker:
        waker = Waker(wanted)
        self._wakers.setdefault(topic, set()).add(waker)
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch(), name="event-log-watcher")
        return waker

    async def _watch(self) -> None:
        """Once a poll, the newest id of every topic a subscription here reads, in one
        query; the subscriptions of a topic that grew are woken, whatever its types
        (other processes' publishes, and this process's of types they skipped)."""
        while True:
            await woken(self._look_now, self.poll_seconds)
            self._look_now.clear()
            topics = sorted(topic for topic, wakers in self._wakers.items() if wakers)
            if not topics:
                continue
            try:
                async with self.autocommit.connect() as conn:
                    rows = (await conn.execute(NEWEST, {"topics": topics})).all()
            except Exception as exc:  # the subscriptions look for themselves meanwhile
                stop_if_cancelled()
                logger.warning("the event log's watcher could not read the log: %s", exc)
                continue
            for topic, newest in rows:
                if newest is None or newest <= self._seen.get(topic, 0):
                    continue
                self._seen[topic] = newest
                self._newest[topic] = max(newest, self._newest.get(topic, 0))
                for waker in self._wakers.get(topic, ()):
                    waker.set()

    def _drop_waker(self, topic: str, waker: Waker) -> None:
        self._wakers.get(topic, set()).discard(waker)
