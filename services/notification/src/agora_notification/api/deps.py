"""Dependencies of the notification routes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from agora_kit.auth import CurrentPrincipal, Principal, principal_user_id
from agora_kit.errors import Forbidden, Unauthorized
from agora_notification.service.context import AppContext, NotificationContext
from agora_notification.service.hub import FeedHub


def user_id_of(principal: Principal) -> uuid.UUID:
    """The signed-in person's id. API-key tokens are refused: no key scope covers a
    person's notifications (API.md: a call outside a key's scopes is 403)."""
    if principal.scopes is not None:
        raise Forbidden("API keys cannot read or change notifications; sign in instead")
    return principal_user_id(principal, Unauthorized("the token does not name a user"))


async def current_user_id(principal: CurrentPrincipal) -> uuid.UUID:
    return user_id_of(principal)


async def get_context(request: Request) -> NotificationContext:
    context: NotificationContext = request.app.state.context
    return context


def get_hub(request: Request) -> FeedHub:
    context: AppContext = request.app.state.context
    return context.hub


UserId = Annotated[uuid.UUID, Depends(current_user_id)]
ContextDep = Annotated[NotificationContext, Depends(get_context)]
