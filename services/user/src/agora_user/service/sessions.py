"""Logins and sessions: the password step, the second step, refresh-token rotation
with reuse detection (RFC 9700), logout."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.user import SecondFactorLocked
from agora_user.models import OneTimeToken, RefreshToken, User, UserSession
from agora_user.repository import sessions as session_repo
from agora_user.repository import tokens as token_repo
from agora_user.repository import users as user_repo
from agora_user.service import mfa, throttle
from agora_user.service.context import UserContext
from agora_user.service.emails import login_key
from agora_user.service.errors import (
    AccountDisabled,
    InvalidCredentials,
    InvalidRefreshToken,
    MfaFailed,
    RefreshTokenReused,
)
from agora_user.service.secrets import digest, new_token
from agora_user.service.tokens import user_token

logger = logging.getLogger("agora.user.sessions")

WRONG_CREDENTIALS = "Wrong e-mail address or password."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    session_id: uuid.UUID


@dataclass(frozen=True)
class MfaChallenge:
    mfa_token: str
    expires_in: int


async def login(
    ctx: UserContext,
    session: AsyncSession,
    *,
    email: str,
    password: str,
    client: str | None = None,
    user_agent: str | None = None,
) -> TokenPair | MfaChallenge:
    """The password step. Unknown address and wrong password are the same failure,
    answered after the same work (an Argon2 verification against a dummy hash)."""
    key = login_key(email)
    await throttle.check(ctx, session, key, client)
    user = await user_repo.get_by_email(session, key, for_update=True)
    ok, new_hash = await ctx.passwords.verify(password, user.password_hash if user else None)
    if user is None or not ok:
        await throttle.record_failure(ctx, key, client)
        raise InvalidCredentials(WRONG_CREDENTIALS)
    if not user.is_active:
        raise AccountDisabled("This account has been disabled.")
    await throttle.clear(ctx, session, key)
    if new_hash is not None:  # stored with older Argon2 parameters: upgrade it
        user.password_hash = new_hash
    if user.mfa_enabled:
        mfa_token = new_token()
        ttl = ctx.settings.mfa_token_ttl_seconds
        session.add(
            OneTimeToken(
                user_id=user.id,
                purpose=token_repo.MFA_LOGIN,
                token_hash=digest(mfa_token),
                created_at=ctx.now(),
                expires_at=ctx.after(ttl),
            )
        )
        await session.flush()
        return MfaChallenge(mfa_token, ttl)
    return await start_session(ctx, session, user, amr=["pwd"], user_agent=user_agent)


async def login_second_step(
    ctx: UserContext,
    session: AsyncSession,
    *,
    mfa_token: str,
    code: str,
    user_agent: str | None = None,
) -> TokenPair:
    """The TOTP (or recovery code) step. A challenge allows ``mfa_max_attempts``
    wrong codes, then it is spent and the login starts over; the account allows
    ``mfa_account_max_failures`` across challenges, then the step is locked for a
    while and the owner is mailed."""
    now = ctx.now()
    row = await token_repo.find_valid(session, token_repo.MFA_LOGIN, digest(mfa_token), now)
    if row is None or row.attempts >= ctx.settings.mfa_max_attempts:
        raise MfaFailed("The login has expired; sign in again.")
    user = await user_repo.get(session, row.user_id, for_update=True)
    if user is None or not user.is_active or not user.mfa_enabled:
        raise MfaFailed("The login has expired; sign in again.")
    await throttle.check_mfa(ctx, session, user.id)
    if not await mfa.verify_second_factor(ctx, session, user, code):
        # In a transaction of its own: this request's rolls back.
        async with ctx.database.transaction() as own:
            await token_repo.count_attempt(
                own, row.id, now, max_attempts=ctx.settings.mfa_max_attempts
            )
            await _count_mfa_failure(ctx, own, user)
        raise MfaFailed("Wrong code.")
    if not await token_repo.consume(session, row.id, now):
        raise MfaFailed("The login has expired; sign in again.")
    return await start_session(ctx, session, user, amr=["pwd", "otp"], user_agent=user_agent)


async def _count_mfa_failure(ctx: UserContext, session: AsyncSession, user: User) -> None:
    """One more wrong code for the account; the one that locks it mails the owner."""
    locked_until = await throttle.record_mfa_failure(ctx, session, user.id)
    if locked_until is not None and user.email is not None:
        await ctx.outbox.add(
            session,
            SecondFactorLocked(
                user_id=user.id,
                email=user.email,
                full_name=user.full_name or "",
                locale=user.locale,
                failures=ctx.settings.mfa_account_max_failures,
                locked_until=locked_until,
            ),
            key=str(user.id),
        )


async def start_session(
    ctx: UserContext,
    session: AsyncSession,
    user: User,
    *,
    amr: list[str],
    user_agent: str | None = None,
) -> TokenPair:
    ttl = ctx.settings.refresh_token_ttl_seconds
    now = ctx.now()
    login = UserSession(
        id=uuid.uuid4(),
        user_id=user.id,
        amr=amr,
        user_agent=user_agent[:255] if user_agent else None,
        created_at=now,
        last_used_at=now,
        authenticated_at=now,
        expires_at=ctx.after(ttl),
    )
    session.add(login)
    await session.flush()
    return await _pair(ctx, session, user, login)


async def _pair(
    ctx: UserContext, session: AsyncSession, user: User, login: UserSession
) -> TokenPair:
    ttl = ctx.settings.refresh_token_ttl_seconds
    refresh = new_token()
    session.add(
        RefreshToken(
            session_id=login.id,
            token_hash=digest(refresh),
            created_at=ctx.now(),
            expires_at=ctx.after(ttl),
        )
    )
    await session.flush()
    access = await user_token(
        ctx, user, session_id=login.id, amr=list(login.amr), auth_time=login.authenticated_at
    )
    return TokenPair(access.token, refresh, access.expires_in, ttl, login.id)


async def refresh(ctx: UserContext, session: AsyncSession, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair; the old one is spent. Presenting a spent
    token again means it leaked (or the pair was stolen): the whole session ends, for
    the thief and the owner alike, and the owner signs in again."""
    now = ctx.now()
    found = await session_repo.token_with_session(session, digest(refresh_token))
    if found is None:
        raise InvalidRefreshToken("Unknown refresh token.")
    token, login = found
    if login.revoked_at is not None or login.expires_at <= now or token.expires_at <= now:
        raise InvalidRefreshToken("The session has ended; sign in again.")
    if token.rotated_at is not None or not await session_repo.claim_for_rotation(
        session, token.id, now
    ):
        async with ctx.database.transaction() as own:
            await session_repo.revoke(own, login.id, now, "refresh_token_reuse")
        logger.warning("refresh token reuse in session %s: session revoked", login.id)
        raise RefreshTokenReused("This refresh token was already used; the session has ended.")
    user = await user_repo.get(session, login.user_id)
    if user is None or not user.is_active:
        raise InvalidRefreshToken("The session has ended; sign in again.")
    login.last_used_at = now
    login.expires_at = ctx.after(ctx.settings.refresh_token_ttl_seconds)
    return await _pair(ctx, session, user, login)


async def reauthenticate(
    ctx: UserContext,
    session: AsyncSession,
    user: User,
    login: UserSession,
    *,
    password: str,
    code: str | None,
    client: str | None = None,
) -> TokenPair:
    """Prove the password (and the second factor, when on) again inside a session, for
    the sensitive changes that need a recent sign-in. Wrong passwords count towards
    the login lockout, wrong codes towards the second factor's."""
    assert user.email is not None
    key = login_key(user.email)
    await throttle.check(ctx, session, key, client)
    ok, _ = await ctx.passwords.verify(password, user.password_hash)
    if not ok:
        await throttle.record_failure(ctx, key, client)
        raise InvalidCredentials("Wrong password.")
    amr = ["pwd"]
    if user.mfa_enabled:
        await throttle.check_mfa(ctx, session, user.id)
        if code is None:
            raise MfaFailed("Two-factor authentication is on: send a code as well.")
        if not await mfa.verify_second_factor(ctx, session, user, code):
            async with ctx.database.transaction() as own:
                await _count_mfa_failure(ctx, own, user)
            raise MfaFailed("Wrong code.")
        amr.append("otp")
    login.authenticated_at = ctx.now()
    login.amr = amr
    return await _pair(ctx, session, user, login)


async def logout(ctx: UserContext, session: AsyncSession, refresh_token: str) -> None:
    """End the session of this refresh token (spent or not). Unknown tokens are
    ignored, as RFC 7009 asks of revocation."""
    found = await session_repo.token_with_session(session, digest(refresh_token))
    if found is not None:
        await session_repo.revoke(session, found[1].id, ctx.now(), "logout")


async def active_session(
    session: AsyncSession, session_id: uuid.UUID, user_id: uuid.UUID
) -> UserSession | None:
    login = await session_repo.get(session, session_id)
    if login is None or login.user_id != user_id or login.revoked_at is not None:
        return None
    return login
