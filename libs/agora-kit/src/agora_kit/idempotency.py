"""``Idempotency-Key``: a retried request gets the first answer again instead of doing
its work twice (ADR 0046).

The key is claimed by inserting its row into ``idempotency_keys`` in the request's own
transaction, and the answer (status, body, Location) is stored in that same
transaction. So:

- a retry after the first answer finds the row and gets that answer again, with
  ``Idempotent-Replayed: true``;
- a concurrent retry waits on the claimed row, then replays it;
- if the first request failed, its claim rolled back with it and a retry runs afresh;
- the same key with another request (method, path or body; the body compared as
  canonical JSON, so key order and spacing do not matter) is 422
  ``idempotency-key-reused``;
- where the key is required, a request without it is 400 ``idempotency-key-required``.

Keys belong to the caller (the token's user) and are forgotten after a day.

A service includes :data:`metadata` in its Alembic ``target_metadata``
(``run_env(Base.metadata, idempotency.metadata)``), creates the table with
:mod:`agora_kit.idempotency_tables_v1` in a migration, is created with
``create_service_app(..., idempotency_keys=True)`` (which runs
:func:`forget_old_keys_forever` in the background), and in a route:

    async def create(..., idempotency: IdempotencyDep) -> Out | Response:
        if idempotency.replay is not None:
            return idempotency.replay
        out = ...
        await idempotency.store(201, out, location)
        return out
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.auth import CurrentPrincipal, OptionalPrincipal
from agora_kit.db import Database, SessionDep, new_metadata
from agora_kit.errors import PROBLEM_JSON, BadRequest, InvalidParam, Unprocessable

logger = logging.getLogger("agora.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT = timedelta(hours=24)
HOUSEKEEPING_SECONDS = 3600.0

metadata = new_metadata()

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("owner", String(255), nullable=False),
    Column("key", String(255), nullable=False),
    # sha256 of method, path and canonical body: the same key with another request
    # is refused.
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSONB, nullable=False),
    Column("location", Text),
    Column(
        "created_at", DateTime(timezone=True), nullable=False, server_default=func.now(), index=True
    ),
    PrimaryKeyConstraint("owner", "key"),
)

# Claims a key; returns a row only when this request is its first. As text, like the
# consumers' inbox insert: SQLAlchemy 2.0 does not cache the PostgreSQL dialect's
# INSERT .. ON CONFLICT and would compile it again for every keyed request.
_CLAIM = text(
    "INSERT INTO idempotency_keys (owner, key, fingerprint, status_code, response)"
    " VALUES (:owner, :key, :fingerprint, 0, '{}'::jsonb)"
    " ON CONFLICT DO NOTHING RETURNING key"
)


class IdempotencyKeyRequired(BadRequest):
    slug = "idempotency-key-required"
    title = "This request needs an Idempotency-Key header"


class IdempotencyKeyReused(Unprocessable):
    slug = "idempotency-key-reused"
    title = "This Idempotency-Key was used for another request"


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The request a key was first used for. A JSON body counts as its canonical form."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), canonical):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


class Idempotency:
    """The request's claim on its key: ``replay`` is the first answer when the key was
    used before; otherwise the route does its work and calls :meth:`store`."""

    def __init__(
        self,
        session: AsyncSession | None = None,
        owner: str | None = None,
        key: str | None = None,
        fingerprint: str = "",
    ) -> None:
        self.session = session
        self.owner = owner
        self.key = key
        self.fingerprint = fingerprint
        self.replay: JSONResponse | None = None

    @property
    def active(self) -> bool:
        return self.session is not None and self.owner is not None and self.key is not None

    def request_id(self) -> uuid.UUID:
        """A stable id of this keyed request, the same on every retry: for what the
        request passes on (a provider's own idempotency key), so that a retry after a
        crash between the provider's answer and the commit does the work once."""
        assert self.active
        return uuid.uuid5(uuid.NAMESPACE_URL, f"agora:idempotency:{self.owner}:{self.key}")

    async def claim(self) -> None:
        assert self.session is not None
        claimed = await self.session.execute(
            _CLAIM, {"owner": self.owner, "key": self.key, "fingerprint": self.fingerprint}
        )
        if claimed.first() is not None:
            return
        stored = (
            await self.session.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.owner == self.owner, idempotency_keys.c.key == self.key
                )
            )
        ).one()
        if stored.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                f"The {HEADER} {self.key!r} was used for another request; use a new key.",
                errors=[InvalidParam(name=f"header.{HEADER}", reason="reused for another request")],
            )
        headers = {REPLAYED_HEADER: "true"}
        if stored.location:
            headers["Location"] = stored.location
        self.replay = JSONResponse(
            stored.response,
            status_code=stored.status_code,
            headers=headers,
            # Every error answer in Agora is a problem; a replayed one stays one.
            media_type=PROBLEM_JSON if stored.status_code >= 400 else None,
        )

    async def store(self, status_code: int, body: Any, location: str | None = None) -> None:
        """Keep the answer for retries (a no-op without a key)."""
        if not self.active:
            return
        assert self.session is not None
        await self.session.execute(
            idempotency_keys.update()
            .where(idempotency_keys.c.owner == self.owner, idempotency_keys.c.key == self.key)
            .values(status_code=status_code, response=jsonable_encoder(body), location=location)
        )


_ABOUT = (
    "Any unique string (printable ASCII, up to 255); a retry with the same key and body "
    "gets the first answer again"
)


def _key_header(description: str) -> Any:
    return Header(
        alias=HEADER,
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description=description,
    )


async def _claimed(request: Request, session: AsyncSession, owner: str, key: str) -> Idempotency:
    return await claim(
        session, owner, key, fingerprint(request.method, request.url.path, await request.body())
    )


async def claim(
    session: AsyncSession, owner: str, key: str | None, request_print: str
) -> Idempotency:
    """Claim ``key`` for a request whose fingerprint the route makes itself: a multipart
    upload, whose raw body the form parser has consumed, fingerprints the file's content
    hash and its form fields (:func:`fingerprint` of a JSON body of them). Without a key,
    an inactive claim (``store`` does nothing)."""
    if key is None:
        return Idempotency()
    call = Idempotency(session, owner, key, request_print)
    await call.claim()
    return call


async def optional_idempotency(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    key: Annotated[str | None, _key_header(_ABOUT)] = None,
) -> Idempotency:
    if key is None or principal is None:
        return Idempotency()
    return await _claimed(request, session, principal.user_id, key)


async def required_idempotency(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    # Optional to the validator so that a missing key is answered with its own
    # problem (400 idempotency-key-required) rather than a generic 422.
    key: Annotated[str | None, _key_header(f"Required. {_ABOUT}")] = None,
) -> Idempotency:
    if key is None:
        raise IdempotencyKeyRequired(
            f"Send an {HEADER} header (any unique string) so that a retry of this request"
            " is answered instead of done again.",
            errors=[InvalidParam(name=f"header.{HEADER}", reason="required")],
        )
    return await _claimed(request, session, principal.user_id, key)


# The header for a route that claims its key itself (:func:`claim`).
OptionalKey = Annotated[str | None, _key_header(_ABOUT)]
# Creating POSTs that accept a key; and unsafe POSTs that must not run twice.
IdempotencyDep = Annotated[Idempotency, Depends(optional_idempotency)]
RequiredIdempotencyDep = Annotated[Idempotency, Depends(required_idempotency)]


async def forget_old_keys(session: AsyncSession, now: datetime | None = None) -> int:
    """Forget keys older than a day; how many."""
    cutoff = (now or datetime.now(UTC)) - KEPT
    result: Any = await session.execute(
        delete(idempotency_keys).where(idempotency_keys.c.created_at < cutoff)
    )
    return int(result.rowcount or 0)


async def forget_owner(session: AsyncSession, owner: str) -> int:
    """Forget every key of ``owner`` (an erased account, ADR 0112): the answers kept
    may name the person. How many."""
    result: Any = await session.execute(
        delete(idempotency_keys).where(idempotency_keys.c.owner == owner)
    )
    return int(result.rowcount or 0)


async def forget_old_keys_forever(database: Database) -> None:
    """A background task: forget old keys, hourly (the chassis runs it for a service
    created with ``idempotency_keys=True``)."""
    while True:
        try:
            async with database.transaction() as session:
                forgotten = await forget_old_keys(session)
            if forgotten:
                logger.info("forgot %d idempotency key(s)", forgotten)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("forgetting old idempotency keys failed; trying again later")
        await asyncio.sleep(HOUSEKEEPING_SECONDS)
