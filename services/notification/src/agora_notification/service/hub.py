"""The live feed: which WebSockets are open for which user, and how a new feed entry
reaches them.

Every replica keeps one PostgreSQL connection that ``LISTEN``s on the feed channel. A
handler announces each new feed entry with ``pg_notify`` in its transaction
(:mod:`~agora_notification.service.notify`), which PostgreSQL delivers on commit to
every listener, so the replica holding the user's socket hears of it whichever replica
handled the event. The entry is read back and put on each of the user's sockets'
queues; a conversation's message, receipt or removal comes with what its sockets are
sent, so it is not read back (ADR 0119). If the listening connection drops, it is
reopened with backoff and every open socket is told to ``resync`` (re-read its feed),
since entries may have been missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import TypeAdapter
from sqlalchemy.engine import make_url

from agora_kit.db import Database
from agora_kit.waking import stop_if_cancelled, woken
from agora_notification.domain import FEED_CHANNEL
from agora_notification.repository import conversations as conversation_repo
from agora_notification.repository import notifications as notification_repo
from agora_notification.repository import presence
from agora_notification.service import message_entry as news
from agora_notification.service.feed import FeedEntry, entry

logger = logging.getLogger("agora.notification.hub")

# A feed entry as JSON, as the feed's routes answer it.
_ENTRY = TypeAdapter(FeedEntry)


@dataclass(eq=False)
class Connection:
    """One open socket: the messages waiting to be sent to it."""

    user_id: uuid.UUID
    queue: asyncio.Queue[dict[str, Any]]
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    # An admin's sockets also hear support's conversations (ADR 0119).
    admin: bool = False
    # Its row in ``live_sockets``, where other replicas see the user is online.
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def offer(self, message: dict[str, Any]) -> None:
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            # A client that does not read is cut off rather than allowed to grow memory;
            # it reconnects and re-reads its feed.
            logger.warning("live feed of %s is not being read; closing it", self.user_id)
            self.closed.set()


def asyncpg_connect_args(url: str) -> dict[str, Any]:
    """``asyncpg.connect``'s arguments for the service's database URL, as SQLAlchemy's
    own connections get them. Not as a DSN: asyncpg takes a DSN's host from its network
    location alone (`agora run`'s URLs name the server's Unix socket in the query,
    ``postgresql+asyncpg://u@:5439/db?host=/path``) and would send the query's other
    options (a deployment's ``ssl=require``) to the server as settings."""
    parsed = make_url(url)
    _, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    return dict(kwargs)


class FeedHub:
    def __init__(self, database: Database, *, queue_size: int = 100) -> None:
        self.database = database
        self.queue_size = queue_size
        self._connections: dict[uuid.UUID, set[Connection]] = {}
        # Accepted sockets, those still waiting for their token included.
        self.sockets = 0
        self.listening = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    def connections(self, user_id: uuid.UUID) -> set[Connection]:
        return set(self._connections.get(user_id, ()))

    def open(self, user_id: uuid.UUID, *, admin: bool = False) -> Connection:
        connection = Connection(user_id, asyncio.Queue(maxsize=self.queue_size), admin=admin)
        self._connections.setdefault(user_id, set()).add(connection)
        return connection

    def close(self, connection: Connection) -> None:
        connection.closed.set()
        held = self._connections.get(connection.user_id)
        if held is not None:
            held.discard(connection)
            if not held:
                del self._connections[connection.user_id]

    def broadcast(self, message: dict[str, Any]) -> None:
        for held in list(self._connections.values()):
            for connection in list(held):
                connection.offer(message)

    async def publish(self, user_id: uuid.UUID, notification_id: uuid.UUID) -> None:
        """Read the entry and hand it to the user's open sockets on this replica."""
        if not self._connections.get(user_id):
            return
        async with self.database.transaction() as session:
            notification = await notification_repo.get(session, notification_id)
            if notification is None or not notification.in_feed:
                return
            unread = await notification_repo.unread_count(session, user_id)
            message = {
                "type": "notification",
                "notification": _ENTRY.dump_python(entry(notification), mode="json"),
                "unread_count": unread,
            }
        for connection in self.connections(user_id):
            connection.offer(message)

    def _audience(self, body: dict[str, Any]) -> set[Connection]:
        if body.get("user_id"):
            return self.connections(uuid.UUID(body["user_id"]))
        if body.get("support"):
            return {c for held in self._connections.values() for c in held if c.admin}
        return set()

    async def publish_conversation(self, body: dict[str, Any]) -> None:
        """A message, a read receipt or a removal of a conversation (ADR 0119), to the
        sockets of the side it concerns on this replica: what they are sent came with the
        notification, all but a message too long to, which is read here."""
        audience = self._audience(body)
        if not audience:
            return
        out: dict[str, Any] = body["push"]
        if out["type"] == "message" and "message" not in out:
            async with self.database.transaction() as session:
                message = await conversation_repo.message(
                    session, uuid.UUID(body["conversation_id"]), uuid.UUID(body["id"])
                )
            if message is None:
                return
            out = {**out, "message": news.as_json(message)}
        for connection in audience:
            connection.offer(out)

    async def keep_present(self, seconds: float, clock: Callable[[], datetime]) -> None:
        """Every heartbeat, refresh the ``live_sockets`` rows of this replica's open
        sockets (ADR 0119) in one UPDATE, not one per socket. If the database cannot be
        reached the sockets live on; unrefreshed, their users count as offline and are
        notified rather than missing a message."""
        while True:
            await asyncio.sleep(seconds)
            ids = [connection.id for held in self._connections.values() for connection in held]
            if not ids:
                continue
            try:
                async with self.database.transaction() as session:
                    await presence.seen(session, ids, clock())
            except Exception:
                stop_if_cancelled()
                logger.warning("could not refresh %d live sockets", len(ids), exc_info=True)

    def _on_notify(self, payload: str) -> None:
        try:
            body = json.loads(payload)
            if body.get("type") in ("message", "read", "removed"):
                if not isinstance(body["push"], dict):
                    raise TypeError("push")
                work = self.publish_conversation(body)
            else:
                work = self.publish(uuid.UUID(body["user_id"]), uuid.UUID(body["id"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.warning("ignoring a malformed feed notification: %r", payload[:200])
            return
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("could not push a feed entry", exc_info=task.exception())

    async def run(self, *, check_seconds: float = 5.0) -> None:
        """Listen until cancelled, reconnecting with backoff."""
        delay = 0.5
        first = True
        while True:
            try:
                conn = await asyncpg.connect(**asyncpg_connect_args(self.database.url))
            except (OSError, asyncpg.PostgresError) as exc:
                logger.warning("live feed cannot listen (%r); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            try:
                await self._listen(conn, check_seconds, resync=not first)
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                logger.warning("live feed lost its connection: %r", exc)
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)
            first = False
            delay = 0.5
            await asyncio.sleep(delay)

    async def _listen(self, conn: Any, check_seconds: float, *, resync: bool) -> None:
        lost = asyncio.Event()

        def on_notify(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            self._on_notify(payload)

        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(FEED_CHANNEL, on_notify)
        self.listening.set()
        if resync:
            # Entries may have been written while nobody listened.
            self.broadcast({"type": "resync"})
        while not lost.is_set():
            await woken(lost, check_seconds)
            if not lost.is_set():
                await conn.execute("SELECT 1")
