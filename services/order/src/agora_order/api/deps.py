"""Who is calling and what the order service's routes need.

Reads need ``orders:read``, writes (cart, checkout, cancel) ``orders:write``; a
signed-in user's own token allows both, an API key only with those scopes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from agora_kit.auth import (
    ROLE_ADMIN,
    SCOPE_ORDERS_READ,
    SCOPE_ORDERS_WRITE,
    Principal,
    principal_user_id,
    require_roles,
    user_id_for,
)
from agora_kit.errors import Forbidden
from agora_order.settings import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


reader = user_id_for(SCOPE_ORDERS_READ)
writer = user_id_for(SCOPE_ORDERS_WRITE)

ReaderDep = Annotated[uuid.UUID, Depends(reader)]
WriterDep = Annotated[uuid.UUID, Depends(writer)]
AdminDep = Annotated[Principal, Depends(require_roles(ROLE_ADMIN))]


def user_of(principal: Principal) -> uuid.UUID:
    """The user a vendor's principal acts for (an API key's owner); 403 otherwise."""
    return principal_user_id(principal, Forbidden("not a user"))
