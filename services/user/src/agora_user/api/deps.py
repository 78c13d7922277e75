"""Typed dependencies of the user service's routes: its context, the signed-in user
(loaded from the database, so an erased, disabled or logged-out account stops at
once here), admins, and the client's address."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from agora_kit.auth import ROLE_ADMIN, OptionalPrincipal
from agora_kit.db import SessionDep
from agora_kit.errors import Forbidden, Unauthorized
from agora_kit.openapi import requires_credentials
from agora_user.models import User, UserSession
from agora_user.repository import users as user_repo
from agora_user.service import api_keys, sessions
from agora_user.service.context import UserContext
from agora_user.service.errors import ReauthenticationRequired


async def get_context(request: Request) -> UserContext:
    context: UserContext = request.app.state.context
    return context


ContextDep = Annotated[UserContext, Depends(get_context)]

_api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A third-party developer's API key"
)
# Only so that the docs UI offers the password flow of /auth/token; the bearer token
# itself is read and verified by agora_kit's dependencies.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def credentials_guard(
    request: Request,
    context: ContextDep,
    session: SessionDep,
    api_key: Annotated[str | None, Depends(_api_key_header)],
    _principal: OptionalPrincipal,
) -> None:
    """A presented token or API key that is invalid, expired or revoked is 401 on every
    route, public ones included (API.md): ``OptionalPrincipal`` verifies the bearer
    token; a valid API key is remembered for :func:`current_user`."""
    if api_key is None:
        return
    owner, _ = await api_keys.authenticate(context, session, api_key)
    request.state.api_key_owner = owner.id


def _invalid_session() -> Unauthorized:
    return Unauthorized(
        "The session has ended; sign in again.",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


@requires_credentials
async def current_user(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    _docs: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    """The account of the bearer token. Tokens made for API keys (with ``scope``) and
    API keys themselves do not reach account management: 403."""
    if principal is None:
        if getattr(request.state, "api_key_owner", None) is not None:
            raise Forbidden("API keys cannot manage accounts; sign in.")
        raise Unauthorized("missing bearer token")
    if principal.scopes is not None:
        raise Forbidden(
            "Tokens of API keys cannot manage accounts; sign in.",
            headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
        )
    user = await user_repo.get(session, principal.user_id, for_update=True)
    if user is None or not user.is_active:
        raise _invalid_session()
    sid = user_repo.parse_id(str(principal.claims.get("sid", "")))
    login = await sessions.active_session(session, sid, user.id) if sid is not None else None
    if login is None:
        raise _invalid_session()
    request.state.user_session = login
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def current_session(request: Request, _user: CurrentUser) -> UserSession:
    """The session (login) of the bearer token."""
    login: UserSession = request.state.user_session
    return login


CurrentSession = Annotated[UserSession, Depends(current_session)]


async def recently_authenticated(
    user: CurrentUser, context: ContextDep, principal: OptionalPrincipal
) -> User:
    """The signed-in user, when the token's ``auth_time`` is recent enough for a
    sensitive change (docs/adr/0025). The token's claim decides, not the session's row,
    so an older access token of the same session stays stale after the owner
    re-authenticates."""
    max_age = context.settings.reauthentication_max_age_seconds
    auth_time = principal.claims.get("auth_time") if principal is not None else None
    if not isinstance(auth_time, int) or context.now().timestamp() - auth_time > max_age:
        raise ReauthenticationRequired(max_age)
    return user


RecentUser = Annotated[User, Depends(recently_authenticated)]


async def current_admin(user: CurrentUser) -> User:
    """An admin now: the database's roles decide, not a token minted before a demotion."""
    if ROLE_ADMIN not in user.roles:
        raise Forbidden("This action needs the role admin.")
    return user


AdminUser = Annotated[User, Depends(current_admin)]


async def client_address(request: Request) -> str | None:
    """The client's address; behind the gateway uvicorn's proxy-headers support has
    already put the forwarded one here."""
    return request.client.host if request.client is not None else None


ClientAddress = Annotated[str | None, Depends(client_address)]
