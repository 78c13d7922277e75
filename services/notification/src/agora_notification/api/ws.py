"""``WS /api/v1/notifications/ws``: the live feed.

Authentication, with the same access tokens as every route: either offered as
WebSocket subprotocols ``bearer, <token>`` (``Sec-WebSocket-Protocol``; the server
answers ``bearer`` and never echoes the token), or in the first message,
``{"type": "auth", "token": "..."}``, within ``WS_AUTH_TIMEOUT_SECONDS``.

Server messages (JSON): ``ready`` (with ``unread_count`` and ``heartbeat_seconds``),
``notification`` (a feed entry and the new ``unread_count``), ``ping`` every heartbeat,
``pong`` in answer to a client's ``ping``, ``resync`` (entries may have been missed:
re-read the feed); and of conversations (ADR 0119), ``message`` (a message of the
other side, with the caller's side's ``unread_count`` in that conversation),
``message_read`` (the other side read ``up_to`` a message) and ``message_removed`` (an
admin removed a message of either side on a report: ``message_id``, ``seq`` and the
message as it now shows, without text or attachments). A client may send
``ping``, and ``auth`` with a fresh token before the current one expires to keep the
socket open.

Close codes: 4401 missing, invalid or expired token (reconnect with a fresh one), 4403
an API-key token, 4400 a message the server does not understand, 4429 the user has
``WS_MAX_CONNECTIONS_PER_USER`` sockets open already, 1013 the client does not read
fast enough, the server holds ``WS_MAX_CONNECTIONS`` sockets, or it is shutting down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from agora_kit.auth import ROLE_ADMIN, Principal, TokenVerifier
from agora_kit.errors import Forbidden, ProblemError
from agora_kit.waking import woken
from agora_notification.api.deps import user_id_of
from agora_notification.repository import notifications as notification_repo
from agora_notification.repository import presence
from agora_notification.service.context import NotificationContext
from agora_notification.service.hub import Connection, FeedHub
from agora_notification.settings import Settings

router = APIRouter(prefix="/notifications", tags=["notifications"])
logger = logging.getLogger("agora.notification.ws")

UNAUTHORIZED = 4401
FORBIDDEN = 4403
BAD_MESSAGE = 4400
TOO_MANY = 4429
TRY_AGAIN_LATER = 1013
SUBPROTOCOL = "bearer"


class _Closing(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _offered_token(websocket: WebSocket) -> tuple[str | None, bool]:
    """(the token offered as a subprotocol, whether ``bearer`` was offered)."""
    offered = [str(p) for p in websocket.scope.get("subprotocols", [])]
    if SUBPROTOCOL not in offered:
        return None, False
    others = [p for p in offered if p != SUBPROTOCOL]
    return (others[0] if others else None), True


async def _verify(websocket: WebSocket, token: str) -> tuple[Principal, uuid.UUID]:
    verifier: TokenVerifier = websocket.app.state.jwks_verifier
    try:
        principal = await verifier.verify(token)
        return principal, user_id_of(principal)
    except Forbidden as exc:
        raise _Closing(FORBIDDEN, exc.detail or "forbidden") from None
    except ProblemError as exc:
        raise _Closing(UNAUTHORIZED, exc.detail or "invalid token") from None


async def _first_message_token(websocket: WebSocket, wait_seconds: float) -> str:
    try:
        message = await asyncio.wait_for(websocket.receive_json(), wait_seconds)
    except TimeoutError:
        raise _Closing(UNAUTHORIZED, "no token sent") from None
    except (ValueError, KeyError):
        raise _Closing(BAD_MESSAGE, "expected a JSON auth message") from None
    token = message.get("token") if isinstance(message, dict) else None
    if not isinstance(message, dict) or message.get("type") != "auth" or not isinstance(token, str):
        raise _Closing(UNAUTHORIZED, "the first message must be an auth message")
    return token


def _now(websocket: WebSocket) -> datetime:
    context: NotificationContext = websocket.app.state.context
    return context.now()


async def _gone(websocket: WebSocket, connection: Connection) -> None:
    """The socket's presence row goes (ADR 0119); if the database cannot be reached,
    the row ages out after two heartbeats."""
    try:
        async with websocket.app.state.database.transaction() as session:
            await presence.closed(session, connection.id)
    except Exception:
        logger.warning("could not forget live socket %s", connection.id, exc_info=True)


def _expires_in(principal: Principal) -> float:
    exp = principal.claims.get("exp")
    return float(exp) - time.time() if isinstance(exp, int | float) else float("inf")


@router.websocket("/ws")
async def live_feed(websocket: WebSocket) -> None:
    settings: Settings = websocket.app.state.runtime.settings
    hub: FeedHub = websocket.app.state.context.hub
    token, bearer = _offered_token(websocket)
    await websocket.accept(subprotocol=SUBPROTOCOL if bearer else None)
    if hub.sockets >= settings.ws_max_connections:
        await websocket.close(code=TRY_AGAIN_LATER, reason="too many connections")
        return
    hub.sockets += 1
    connection: Connection | None = None
    try:
        if token is None:
            token = await _first_message_token(websocket, settings.ws_auth_timeout_seconds)
        principal, user_id = await _verify(websocket, token)
        if len(hub.connections(user_id)) >= settings.ws_max_connections_per_user:
            raise _Closing(TOO_MANY, "too many connections for this user")
        connection = hub.open(user_id, admin=principal.has_role(ROLE_ADMIN))
        async with websocket.app.state.database.transaction() as session:
            unread = await notification_repo.unread_count(session, user_id)
            await presence.opened(session, connection.id, user_id, _now(websocket))
        await websocket.send_json(
            {
                "type": "ready",
                "user_id": str(user_id),
                "unread_count": unread,
                "heartbeat_seconds": settings.ws_heartbeat_seconds,
            }
        )
        await _serve(websocket, connection, principal, settings)
    except _Closing as closing:
        with contextlib.suppress(Exception):
            await websocket.close(code=closing.code, reason=closing.reason[:120])
    except WebSocketDisconnect:
        pass
    finally:
        hub.sockets -= 1
        if connection is not None:
            hub.close(connection)
            await _gone(websocket, connection)


async def _serve(
    websocket: WebSocket, connection: Connection, principal: Principal, settings: Settings
) -> None:
    """Until the client leaves, its token expires, or it stops reading: send what the
    hub queues and a heartbeat, and answer the client's messages."""
    state = {"expires_in": _expires_in(principal), "since": time.monotonic()}

    async def receive() -> None:
        while True:
            try:
                message: Any = await websocket.receive_json()
            except (ValueError, KeyError):
                raise _Closing(BAD_MESSAGE, "messages must be JSON objects") from None
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "ping":
                connection.offer({"type": "pong"})
            elif kind == "auth" and isinstance(message.get("token"), str):
                fresh, user_id = await _verify(websocket, message["token"])
                if user_id != connection.user_id:
                    raise _Closing(UNAUTHORIZED, "the token names another user")
                state.update(expires_in=_expires_in(fresh), since=time.monotonic())
                connection.offer({"type": "authenticated"})
            elif kind != "pong":
                raise _Closing(BAD_MESSAGE, f"unknown message type {kind!r}")

    async def send() -> None:
        while True:
            message = await connection.queue.get()
            await websocket.send_json(message)

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(settings.ws_heartbeat_seconds)
            connection.offer({"type": "ping"})

    async def watch() -> None:
        while True:
            left = state["expires_in"] - (time.monotonic() - state["since"])
            if left <= 0:
                raise _Closing(UNAUTHORIZED, "token expired")
            if connection.closed.is_set():
                raise _Closing(TRY_AGAIN_LATER, "too slow to read the feed")
            await woken(connection.closed, min(left, 5.0))

    tasks = [asyncio.create_task(work()) for work in (receive, send, heartbeat, watch)]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            error = task.exception()
            if error is not None:
                raise error
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
