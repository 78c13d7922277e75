"""Accounts: registration, e-mail verification, profile, password reset, GDPR export
and erasure."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.user import (
    EmailVerificationRequested,
    EmailVerified,
    PasswordChanged,
    PasswordResetRequested,
    UserDeleted,
    UserRegistered,
)
from agora_kit.auth import ROLE_CUSTOMER
from agora_kit.events.outbox import forget_published_naming
from agora_user.models import OneTimeToken, User
from agora_user.repository import api_keys as api_key_repo
from agora_user.repository import sessions as session_repo
from agora_user.repository import tokens as token_repo
from agora_user.repository import users as user_repo
from agora_user.service import api_keys as api_key_service
from agora_user.service.context import UserContext
from agora_user.service.errors import EmailTaken, InvalidToken
from agora_user.service.secrets import digest, new_token

logger = logging.getLogger("agora.user.accounts")


async def register(
    ctx: UserContext,
    session: AsyncSession,
    *,
    email: str,
    password: str,
    full_name: str,
    locale: str | None = None,
    roles: tuple[str, ...] = (ROLE_CUSTOMER,),
    email_verified: bool = False,
) -> User:
    """Create an account. ``email`` is already normalised. Emits ``user.registered``
    and, unless the address is verified already, ``user.email_verification_requested``."""
    ctx.passwords.check_policy(password, user_inputs=(email, full_name))
    if await user_repo.email_taken(session, email):
        raise EmailTaken("An account with this e-mail address exists.")
    now = ctx.now()
    user = User(
        email=email,
        full_name=full_name,
        locale=locale,
        password_hash=await ctx.passwords.hash(password),
        roles=sorted(set(roles)),
        email_verified_at=now if email_verified else None,
        password_changed_at=now,
        created_at=now,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        # Registered by a concurrent request between the check and the insert.
        raise EmailTaken("An account with this e-mail address exists.") from None
    await ctx.outbox.add(
        session,
        UserRegistered(
            user_id=user.id,
            email=email,
            full_name=full_name,
            roles=user.roles,
            locale=locale,
            email_verified=email_verified,
            registered_at=now,
        ),
        key=str(user.id),
    )
    if not email_verified:
        await request_email_verification(ctx, session, user)
    return user


def _contact(user: User) -> tuple[str, str]:
    """The address and name to write to; an erased account has neither."""
    if user.email is None or user.full_name is None:
        raise InvalidToken("The account was erased.")
    return user.email, user.full_name


async def _tell_owner(
    ctx: UserContext,
    session: AsyncSession,
    user: User,
    event_type: type[EmailVerificationRequested | PasswordResetRequested | PasswordChanged],
    **fields: Any,
) -> None:
    """Publish an event the notification service mails to the account's owner: their
    address, name and locale, and ``fields``."""
    email, full_name = _contact(user)
    event = event_type(
        user_id=user.id, email=email, full_name=full_name, locale=user.locale, **fields
    )
    await ctx.outbox.add(session, event, key=str(user.id))


async def _issue(
    ctx: UserContext,
    session: AsyncSession,
    user: User,
    purpose: str,
    ttl_seconds: int,
    *,
    email: str | None = None,
) -> tuple[str, datetime]:
    token = new_token()
    expires_at = ctx.after(ttl_seconds)
    session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=digest(token),
            email=email,
            created_at=ctx.now(),
            expires_at=expires_at,
        )
    )
    await session.flush()
    return token, expires_at


async def request_email_verification(ctx: UserContext, session: AsyncSession, user: User) -> None:
    """Issue a verification token (earlier ones stop working) and ask for the mail."""
    email, _ = _contact(user)
    await token_repo.invalidate(session, user.id, token_repo.VERIFY_EMAIL, ctx.now())
    token, expires_at = await _issue(
        ctx,
        session,
        user,
        token_repo.VERIFY_EMAIL,
        ctx.settings.email_verification_ttl_seconds,
        email=email,
    )
    await _tell_owner(
        ctx,
        session,
        user,
        EmailVerificationRequested,
        sealed_token=ctx.sealer.seal(token),
        expires_at=expires_at,
    )


async def verify_email(ctx: UserContext, session: AsyncSession, token: str) -> User:
    now = ctx.now()
    row = await token_repo.find_valid(session, token_repo.VERIFY_EMAIL, digest(token), now)
    if row is None:
        raise InvalidToken("The verification link is invalid, used or expired.")
    user = await user_repo.get(session, row.user_id, for_update=True)
    # A token verifies the address it was sent to, not one the account has since.
    if (
        user is None
        or user.email != row.email
        or not await token_repo.consume(session, row.id, now)
    ):
        raise InvalidToken("The verification link is invalid, used or expired.")
    if user.email_verified_at is None:
        user.email_verified_at = now
        await session.flush()
        await ctx.outbox.add(
            session,
            EmailVerified(user_id=user.id, email=row.email or "", verified_at=now),
            key=str(user.id),
        )
    return user


async def update_profile(
    ctx: UserContext, session: AsyncSession, user: User, changes: dict[str, Any]
) -> User:
    for field in ("full_name", "locale"):
        if field in changes:
            setattr(user, field, changes[field])
    user.updated_at = ctx.now()
    await session.flush()
    return user


async def forgot_password(ctx: UserContext, session: AsyncSession, email: str) -> None:
    """Send a reset link when an active account has this address; do nothing visible
    otherwise (the answer is 202 either way)."""
    user = await user_repo.get_by_email(session, email, for_update=True)
    if user is None or not user.is_active or user.password_hash is None:
        return
    last = await token_repo.latest_created(session, user.id, token_repo.RESET_PASSWORD)
    cooldown = timedelta(seconds=ctx.settings.password_reset_cooldown_seconds)
    if last is not None and ctx.now() - last < cooldown:
        logger.info("password reset for %s not re-sent within the cool-down", user.id)
        return
    token, expires_at = await _issue(
        ctx, session, user, token_repo.RESET_PASSWORD, ctx.settings.password_reset_ttl_seconds
    )
    await _tell_owner(
        ctx,
        session,
        user,
        PasswordResetRequested,
        sealed_token=ctx.sealer.seal(token),
        expires_at=expires_at,
    )


async def reset_password(
    ctx: UserContext, session: AsyncSession, *, token: str, new_password: str
) -> User:
    """Set a new password with a reset token (once), end every session and revoke
    every API key; the owner is mailed (``PasswordChanged``)."""
    now = ctx.now()
    row = await token_repo.find_valid(session, token_repo.RESET_PASSWORD, digest(token), now)
    user = await user_repo.get(session, row.user_id, for_update=True) if row else None
    if row is None or user is None or not user.is_active:
        raise InvalidToken("The reset link is invalid, used or expired.")
    # Checked before the token is used, so a rejected password does not burn it.
    ctx.passwords.check_policy(
        new_password, user_inputs=(user.email, user.full_name), field="body.new_password"
    )
    if not await token_repo.consume(session, row.id, now):
        raise InvalidToken("The reset link is invalid, used or expired.")
    await token_repo.invalidate(session, user.id, token_repo.RESET_PASSWORD, now)
    await set_password(ctx, session, user, new_password, reason="password_reset")
    # Whoever made the reset necessary may have minted keys with the old password.
    await api_key_service.revoke_all(ctx, session, user.id, reason="password_reset")
    # The link reached the mailbox, which proves the address.
    if user.email_verified_at is None:
        user.email_verified_at = now
    await session.flush()
    return user


async def set_password(
    ctx: UserContext, session: AsyncSession, user: User, password: str, *, reason: str
) -> None:
    now = ctx.now()
    user.password_hash = await ctx.passwords.hash(password)
    user.password_changed_at = now
    await session_repo.revoke_all(session, user.id, now, reason)
    await session.flush()
    await _tell_owner(ctx, session, user, PasswordChanged, changed_at=now)


async def export(ctx: UserContext, session: AsyncSession, user: User) -> dict[str, Any]:
    """Every piece of personal data the user service holds about ``user`` (GDPR art. 15
    and 20). Secrets are not data about the person and stay out: hashes, encrypted seeds."""
    sessions = await session_repo.of_user(session, user.id)
    keys = await api_key_repo.all_of_user(session, user.id)
    tokens = await token_repo.of_user(session, user.id)
    return {
        "exported_at": ctx.now(),
        "profile": {
            "id": user.id,
            "email": user.email,
            "full_name": user.full_name,
            "locale": user.locale,
            "roles": user.roles,
            "is_active": user.is_active,
            "email_verified_at": user.email_verified_at,
            "phone": user.phone,
            "phone_verified_at": user.phone_verified_at,
            "password_changed_at": user.password_changed_at,
            "mfa_enabled": user.mfa_enabled,
            "mfa_enabled_at": user.totp_enabled_at,
            "created_at": user.created_at,
            "updated_at": user.updated_at,
        },
        "sessions": [
            {
                "id": s.id,
                "created_at": s.created_at,
                "last_used_at": s.last_used_at,
                "expires_at": s.expires_at,
                "revoked_at": s.revoked_at,
                "user_agent": s.user_agent,
                "authentication_methods": s.amr,
            }
            for s in sessions
        ],
        "api_keys": [
            {
                "id": k.id,
                "name": k.name,
                "prefix": k.prefix,
                "scopes": k.scopes,
                "created_at": k.created_at,
                "last_used_at": k.last_used_at,
                "revoked_at": k.revoked_at,
            }
            for k in keys
        ],
        "account_emails": [
            {
                "purpose": t.purpose,
                "email": t.email,
                "phone": t.phone,
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "used_at": t.used_at,
            }
            for t in tokens
            if t.purpose != token_repo.MFA_LOGIN
        ],
    }


async def erase(ctx: UserContext, session: AsyncSession, user: User) -> None:
    """Erase the account (GDPR art. 17): every credential, session and key revoked,
    personal fields cleared; the row stays, anonymous, so ids others hold still
    resolve. Emits ``user.deleted`` so the other services anonymise too."""
    now = ctx.now()
    await session_repo.revoke_all(session, user.id, now, "account_erased")
    for s in await session_repo.of_user(session, user.id):
        s.user_agent = None
    await api_key_service.revoke_all(ctx, session, user.id, reason="account_erased")
    for key in await api_key_repo.all_of_user(session, user.id):
        key.name = "erased"
    await token_repo.delete_all(session, user.id)
    await token_repo.delete_recovery_codes(session, user.id)
    user.email = None
    user.full_name = None
    user.locale = None
    user.phone = None
    user.phone_verified_at = None
    user.password_hash = None
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.is_active = False
    user.roles = []
    user.deleted_at = now
    user.updated_at = now
    await session.flush()
    # Its published events (a registration names the address) go too, ADR 0112.
    await forget_published_naming(session, user.id)
    await ctx.outbox.add(session, UserDeleted(user_id=user.id, deleted_at=now), key=str(user.id))
