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
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from agora_kit.db import Database
from agora_kit.listening import Listener
from agora_kit.waking import stop_if_cancelled
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


class FeedHub:
    def __init__(self, database: Database, *, queue_size: int = 100) -> None:
        self.database = database
        self.queue_size = queue_size
        self._connections: dict[uuid.UUID, set[Connection]] = {}
        # Accepted sockets, those still waiting for their token included.
        self.sockets = 0
        self._listener = Listener(
            database.url,
            FEED_CHANNEL,
            self._on_notify,
            on_listening=self._on_listening,
            what="live feed",
        )
        self.listening = self._listener.listening
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
        self._listener.check_seconds = check_seconds
        await self._listener.run()

    def _on_listening(self, first: bool) -> None:
        if not first:
            # Entries may have been written while nobody listened.
            self.broadcast({"type": "resync"})
