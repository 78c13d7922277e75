"""API keys for third-party developers, and their exchange for short-lived JWTs.

A key reads ``agora_<prefix>_<secret>``: the prefix (public, shown in lists) finds the
row, the secret (256 bits) is compared with its stored SHA-256 digest. The full key is
shown once, when it is created.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.user import ApiKeysRevoked
from agora_kit.auth import ROLE_ADMIN, ROLE_VENDOR, SCOPE_INVENTORY_WRITE, SCOPE_WEBHOOKS_WRITE
from agora_kit.pagination import Page, PageParams, entity_page
from agora_user.models import ApiKey, User
from agora_user.repository import api_keys as repo
from agora_user.repository import users as user_repo
from agora_user.service.context import UserContext
from agora_user.service.errors import InvalidApiKey, ScopeNotAllowed, TooManyApiKeys
from agora_user.service.secrets import digest, new_token
from agora_user.service.tokens import AccessToken, api_key_token

KEY_PREFIX = "agora"
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_PREFIX_LENGTH = 12
_PREFIX_CHARS = frozenset(_PREFIX_ALPHABET)


def display_prefix(key: ApiKey) -> str:
    return f"{KEY_PREFIX}_{key.prefix}"


def _split(api_key: str) -> tuple[str, str] | None:
    head, _, rest = api_key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if head != KEY_PREFIX or len(prefix) != _PREFIX_LENGTH or not secret or len(secret) > 128:
        return None
    if not set(prefix) <= _PREFIX_CHARS:  # nothing a query could choke on
        return None
    return prefix, secret


async def create(
    ctx: UserContext, session: AsyncSession, user: User, *, name: str, scopes: list[str]
) -> tuple[ApiKey, str]:
    """A new key of ``user`` with ``scopes`` (already known ones); returns the row and
    the full key, which is not stored and cannot be shown again."""
    wanted = sorted(set(scopes))
    for scope in (SCOPE_INVENTORY_WRITE, SCOPE_WEBHOOKS_WRITE):
        if scope in wanted and not {ROLE_VENDOR, ROLE_ADMIN} & set(user.roles):
            raise ScopeNotAllowed(f"The scope {scope} is for vendors.")
    if await repo.count_active(session, user.id) >= ctx.settings.api_key_max_per_user:
        raise TooManyApiKeys(
            f"An account has at most {ctx.settings.api_key_max_per_user} API keys; revoke one."
        )
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(_PREFIX_LENGTH))
    secret = new_token(32)
    key = ApiKey(
        id=uuid.uuid4(),
        user_id=user.id,
        name=name,
        prefix=prefix,
        secret_hash=digest(secret),
        scopes=wanted,
        created_at=ctx.now(),
    )
    session.add(key)
    await session.flush()
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


async def page(session: AsyncSession, user: User, params: PageParams) -> Page[ApiKey]:
    return await entity_page(
        session,
        repo.active_of_user(user.id),
        key=[ApiKey.created_at, ApiKey.id],
        params=params,
        direction="desc",
    )


async def revoke(ctx: UserContext, session: AsyncSession, user: User, key_id: str) -> bool:
    """Revoke the key if ``user`` owns it; False when they own no such key."""
    parsed = user_repo.parse_id(key_id)
    key = await repo.get_of_user(session, user.id, parsed) if parsed else None
    if key is None:
        return False
    if key.revoked_at is None:
        key.revoked_at = ctx.now()
        await session.flush()
        await announce_revoked(ctx, session, user.id, [key.id], reason="revoked")
    return True


async def revoke_all(
    ctx: UserContext, session: AsyncSession, user_id: uuid.UUID, *, reason: str
) -> None:
    """Revoke every active key of ``user_id`` and announce it."""
    revoked = await repo.revoke_all(session, user_id, ctx.now())
    await announce_revoked(ctx, session, user_id, revoked, reason=reason)


async def announce_revoked(
    ctx: UserContext,
    session: AsyncSession,
    user_id: uuid.UUID,
    key_ids: list[uuid.UUID],
    *,
    reason: str,
) -> None:
    """Tell the gateway (``ApiKeysRevoked``) that these keys stopped working, so no
    replica keeps serving them from its cache; nothing when there are none."""
    if not key_ids:
        return
    await ctx.outbox.add(
        session,
        ApiKeysRevoked(user_id=user_id, key_ids=key_ids, reason=reason, revoked_at=ctx.now()),
        key=str(user_id),
    )


async def authenticate(
    ctx: UserContext, session: AsyncSession, api_key: str
) -> tuple[User, ApiKey]:
    """The owner and the key, for a valid, unrevoked key of an active account."""
    parts = _split(api_key)
    key = await repo.by_prefix(session, parts[0]) if parts else None
    # Compare even when no row matched, so the answer takes the same time.
    expected = key.secret_hash if key is not None else "0" * 64
    matches = hmac.compare_digest(expected, digest(parts[1] if parts else api_key))
    if key is None or not matches or key.revoked_at is not None:
        raise InvalidApiKey("The API key is invalid or revoked.")
    owner = await user_repo.get(session, key.user_id)
    if owner is None or not owner.is_active:
        raise InvalidApiKey("The API key is invalid or revoked.")
    now = ctx.now()
    resolution = timedelta(seconds=ctx.settings.api_key_last_used_resolution_seconds)
    if key.last_used_at is None or now - key.last_used_at >= resolution:
        key.last_used_at = now
        await session.flush()
    return owner, key


async def exchange(
    ctx: UserContext, session: AsyncSession, api_key: str
) -> tuple[AccessToken, ApiKey]:
    """The token exchange the gateway calls: a valid key becomes a short-lived JWT of
    its owner carrying the key's scopes."""
    owner, key = await authenticate(ctx, session, api_key)
    return await api_key_token(ctx, owner, key), key
