"""Who is calling, as the catalog's routes need it.

- Reads are public. A presented API key must allow ``catalog:read`` (or
  ``inventory:write``, which manages the same products).
- Store writes (products, variants, stock) need ``inventory:write``; a signed-in
  user's own token allows it, an API key only with that scope.
- Applying to sell, reviewing and admin decisions are a person's acts: API keys,
  whose scopes do not cover them, get 403.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.service.access import Actor
from agora_catalog.service.context import CatalogContext
from agora_kit.auth import (
    ROLE_ADMIN,
    SCOPE_CATALOG_READ,
    SCOPE_INVENTORY_WRITE,
    BearerCredentials,
    CurrentPrincipal,
    OptionalPrincipal,
    Principal,
    optional_principal,
    principal_user_id,
    require_roles,
    require_scopes,
)
from agora_kit.currency import CurrencyQuery, Shown, shown
from agora_kit.db import Database, database_of
from agora_kit.errors import Forbidden


async def get_context(request: Request) -> CatalogContext:
    context: CatalogContext = request.app.state.context
    return context


ContextDep = Annotated[CatalogContext, Depends(get_context)]


def actor_of(principal: Principal) -> Actor:
    # A token naming something other than a user belongs to no one who can own a
    # store or write a review.
    user_id = principal_user_id(principal, Forbidden("this account cannot act on the catalog"))
    return Actor(user_id=user_id, is_admin=principal.has_role(ROLE_ADMIN), principal=principal)


def optional_actor(principal: Principal | None) -> Actor | None:
    if principal is None:
        return None
    try:
        return actor_of(principal)
    except Forbidden:
        return None


async def reader(principal: OptionalPrincipal) -> Actor | None:
    return _reader(principal)


def _reader(principal: Principal | None) -> Actor | None:
    if principal is not None and not (
        principal.allows(SCOPE_CATALOG_READ) or principal.allows(SCOPE_INVENTORY_WRITE)
    ):
        raise Forbidden(f"this API key lacks the scope {SCOPE_CATALOG_READ}")
    return optional_actor(principal)


async def store_writer(
    principal: Annotated[Principal, Depends(require_scopes(SCOPE_INVENTORY_WRITE))],
) -> Actor:
    return actor_of(principal)


def _person(principal: Principal) -> Actor:
    if principal.scopes is not None:
        raise Forbidden("API keys cannot do this; sign in as the user")
    return actor_of(principal)


async def person(principal: CurrentPrincipal) -> Actor:
    return _person(principal)


async def admin(principal: Annotated[Principal, Depends(require_roles(ROLE_ADMIN))]) -> Actor:
    return _person(principal)


ReaderDep = Annotated[Actor | None, Depends(reader)]


@dataclass(frozen=True, slots=True)
class PublicRead:
    """What a public read of the catalog needs: the reader (``reader``), the context, how
    prices are shown (``agora_kit.currency.shown``) and its read session (ADR 0084),
    opened by the route (``async with read.session() as session``)."""

    database: Database
    actor: Actor | None
    context: CatalogContext
    shown: Shown | None

    def session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A read session, closed when the block ends: build the answer inside it."""
        return self.database.read()


async def public_read(
    request: Request, credentials: BearerCredentials, currency: CurrencyQuery = None
) -> PublicRead:
    """``ReaderDep``, ``ContextDep``, ``ShownDep`` and the read session solved as one
    dependency, and not a generator: FastAPI's solving costs per dependency, and a
    generator's exit stack and shielded exit cost more than the session itself; the
    hottest reads had six (ADR 0124). The same checks, the same OpenAPI (the bearer
    scheme, ``currency``)."""
    actor = _reader(await optional_principal(request, credentials))
    context = await get_context(request)
    shown_as = await shown(request, currency)
    return PublicRead(database_of(request), actor, context, shown_as)


PublicReadDep = Annotated[PublicRead, Depends(public_read)]
StoreWriterDep = Annotated[Actor, Depends(store_writer)]
PersonDep = Annotated[Actor, Depends(person)]
AdminDep = Annotated[Actor, Depends(admin)]
