"""Access tokens: short-lived JWTs signed with the current signing key (EdDSA)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agora_user.models import ApiKey, User
from agora_user.service.context import UserContext


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


def _base_claims(ctx: UserContext, user: User, ttl: int) -> dict[str, Any]:
    now = ctx.now()
    issued = int(now.timestamp())
    return {
        "iss": ctx.settings.common.jwt_issuer,
        "aud": ctx.settings.common.jwt_audience,
        "sub": str(user.id),
        "roles": sorted(user.roles),
        "jti": uuid.uuid4().hex,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
    }


async def user_token(
    ctx: UserContext, user: User, *, session_id: uuid.UUID, amr: list[str], auth_time: datetime
) -> AccessToken:
    """``auth_time`` (OIDC Core 2) is when the user last proved who they are in this
    session; sensitive changes need it recent (docs/adr/0025)."""
    ttl = ctx.settings.access_token_ttl_seconds
    claims = _base_claims(ctx, user, ttl)
    claims.update(sid=str(session_id), amr=amr, auth_time=int(auth_time.timestamp()))
    return AccessToken(await ctx.keys.sign(claims), ttl)


async def api_key_token(ctx: UserContext, user: User, key: ApiKey) -> AccessToken:
    """What the gateway gets for an API key: the owner, limited to the key's scopes."""
    ttl = ctx.settings.api_key_token_ttl_seconds
    claims = _base_claims(ctx, user, ttl)
    claims.update(scope=" ".join(sorted(key.scopes)), akid=str(key.id))
    return AccessToken(await ctx.keys.sign(claims), ttl)
