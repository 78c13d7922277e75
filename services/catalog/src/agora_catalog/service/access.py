"""Who may do what. A vendor's owner is the user who applied (``owner_id`` = the
token's subject); admins may act on every store. API keys act as their owner within
their scopes (``Principal.allows``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from agora_kit.auth import ROLE_ADMIN, Principal, principal_user_id
from agora_kit.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    is_admin: bool
    principal: Principal


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
