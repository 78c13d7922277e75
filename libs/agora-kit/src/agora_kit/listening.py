"""PostgreSQL ``LISTEN`` on a connection of its own, reopened with backoff when it drops.

``pg_notify`` in a transaction is delivered when it commits, to every connection
listening on the channel, in whatever process: the notification service's live feed
hears of new feed entries this way, and the in-process event log of messages other
processes wrote. Notifications sent while no connection listened are lost, so a
listener is told each time it starts listening again and must catch up itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from agora_kit.waking import woken

logger = logging.getLogger("agora.listening")


def asyncpg_connect_args(url: str) -> dict[str, Any]:
    """``asyncpg.connect``'s arguments for a database URL, as SQLAlchemy's own
    connections get them. Not as a DSN: asyncpg takes a DSN's host from its network
    location alone (`agora run`'s URLs name the server's Unix socket in the query,
    ``postgresql+asyncpg://u@:5439/db?host=/path``) and would send the query's other
    options (a deployment's ``ssl=require``) to the server as settings."""
    parsed = make_url(url)
    _, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    return dict(kwargs)


class Listener:
    """Listens on ``channel`` until cancelled (``run``). ``on_notify`` gets each
    payload; ``on_listening`` is called each time listening (re)starts, with whether it
    is the first time: what was sent in between was missed. The connection is checked
    every ``check_seconds``, so a server gone quiet is noticed too."""

    def __init__(
        self,
        url: str,
        channel: str,
        on_notify: Callable[[str], None],
        *,
        on_listening: Callable[[bool], None] | None = None,
        check_seconds: float = 5.0,
        what: str = "a listener",
    ) -> None:
        self.url = url
        self.channel = channel
        self.on_notify = on_notify
        self.on_listening = on_listening
        self.check_seconds = check_seconds
        self.what = what
        self.listening = asyncio.Event()

    async def run(self) -> None:
        delay = 0.5
        first = True
        while True:
            try:
                conn = await asyncpg.connect(**asyncpg_connect_args(self.url))
            except Exception as exc:  # whatever failed, listening is tried again
                logger.warning("%s cannot listen (%r); retrying in %.1fs", self.what, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            try:
                await self._listen(conn, first=first)
            except Exception as exc:  # a lost connection, or anything else: listen again
                logger.warning("%s lost its connection: %r", self.what, exc)
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)
            first = False
            delay = 0.5
            await asyncio.sleep(delay)

    async def _listen(self, conn: Any, *, first: bool) -> None:
        lost = asyncio.Event()

        def on_notify(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            self.on_notify(payload)

        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(self.channel, on_notify)
        self.listening.set()
        if self.on_listening is not None:
            self.on_listening(first)
        while not lost.is_set():
            await woken(lost, self.check_seconds)
            if not lost.is_set():
                await conn.execute("SELECT 1")
