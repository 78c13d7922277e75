"""``Idempotency-Key`` on the POSTs that create things: a retried request gets the
first answer again instead of creating a second resource.

The key is claimed by inserting its row in the request's own transaction: a
concurrent retry waits on that row, then finds the stored answer; if the first
request fails, its claim rolls back with it and the retry runs afresh. The same key
with a different request (method, path or body) is refused with 422.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.models import IdempotencyKey
from agora_kit.auth import OptionalPrincipal
from agora_kit.db import SessionDep
from agora_kit.errors import InvalidParam, Unprocessable

HEADER = "Idempotency-Key"


class Idempotency:
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

    async def claim(self) -> None:
        assert self.session is not None
        claimed = await self.session.execute(
            pg_insert(IdempotencyKey)
            .values(
                owner=self.owner,
                key=self.key,
                fingerprint=self.fingerprint,
                status_code=0,
                response={},
            )
            .on_conflict_do_nothing()
            .returning(IdempotencyKey.key)
        )
        if claimed.first() is not None:
            return
        stored = await self.session.scalar(
            select(IdempotencyKey).where(
                IdempotencyKey.owner == self.owner, IdempotencyKey.key == self.key
            )
        )
        assert stored is not None
        if stored.fingerprint != self.fingerprint:
            raise Unprocessable(
                "This Idempotency-Key was used for another request.",
                errors=[InvalidParam(name=f"header.{HEADER}", reason="reused for another request")],
            )
        headers = {"Location": stored.location} if stored.location else {}
        headers["Idempotent-Replayed"] = "true"
        self.replay = JSONResponse(stored.response, status_code=stored.status_code, headers=headers)

    async def store(self, status_code: int, body: BaseModel, location: str | None = None) -> None:
        if not self.active:
            return
        assert self.session is not None
        row = await self.session.get(IdempotencyKey, (self.owner, self.key))
        assert row is not None
        row.status_code = status_code
        row.response = jsonable_encoder(body)
        row.location = location
        await self.session.flush()


async def idempotency(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            max_length=255,
            description="Any unique string; a retry with the same key gets the first answer",
        ),
    ] = None,
) -> Idempotency:
    if key is None or principal is None:
        return Idempotency()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.url.path.encode(), await request.body()):
        digest.update(part)
        digest.update(b"\0")
    call = Idempotency(session, principal.user_id, key, digest.hexdigest())
    await call.claim()
    return call


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
