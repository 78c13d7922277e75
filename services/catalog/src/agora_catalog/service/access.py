"""Who may do what. A vendor's owner is the user who applied (``owner_id`` = the
token's subject); admins may act on every store. The routes make the ``Actor`` of the
caller's principal (``api.deps``); API keys act as their owner within their scopes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from agora_catalog.domain.products import StoreFields
from agora_kit.auth import Principal


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    is_admin: bool
    principal: Principal


def can_manage(actor: Actor | None, vendor: StoreFields) -> bool:
    """The store's owner and admins manage it, and see what only they may see."""
    return actor is not None and (actor.is_admin or actor.user_id == vendor.owner_id)
