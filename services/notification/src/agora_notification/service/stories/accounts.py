"""The user service's events: the owner's contact data learned (or erased), and the
mails about their account told: welcome, verification and reset links, the code that
verifies their phone number (by SMS), warnings that their password changed or their
second factor locked."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.user import (
    EmailVerificationRequested,
    EmailVerified,
    PasswordChanged,
    PasswordResetRequested,
    PhoneVerificationRequested,
    PhoneVerified,
    SecondFactorLocked,
    UserDeleted,
    UserRegistered,
    UserRoleChanged,
    UserRolesAnnounced,
)
from agora_kit.auth import ROLE_ADMIN
from agora_kit.events.envelope import CloudEvent
from agora_kit.events.outbox import forget_published_naming
from agora_notification.domain import SendChannel
from agora_notification.repository import contacts as contact_repo
from agora_notification.repository import conversations as conversation_repo
from agora_notification.service.context import NotificationContext
from agora_notification.service.notify import Story, tell

# The events that name the account's owner, their address, name and locale.
AccountEvent = (
    UserRegistered
    | EmailVerificationRequested
    | PasswordResetRequested
    | PasswordChanged
    | SecondFactorLocked
)


async def _tell_owner(
    ctx: NotificationContext,
    session: AsyncSession,
    p: AccountEvent,
    event: CloudEvent,
    kind: str,
    *,
    dedupe_key: str | None = None,
    context: dict[str, Any] | None = None,
    link: str | None = None,
    data: dict[str, Any] | None = None,
    channels: tuple[SendChannel, ...] | None = None,
    email_verified: bool | None = None,
    admin: bool | None = None,
) -> None:
    """Learn the owner's contact from the event (and ``email_verified`` and ``admin``
    when given), then tell them ``kind`` at the address, name and locale the event
    names. Each event is a story of its own (its id is in the ``dedupe_key``) unless
    ``dedupe_key`` says otherwise."""
    await contact_repo.learn(
        session,
        p.user_id,
        ctx.now(),
        email=p.email,
        full_name=p.full_name,
        locale=p.locale,
        email_verified=email_verified,
        admin=admin,
    )
    story = Story(
        user_id=p.user_id,
        kind=kind,
        dedupe_key=dedupe_key or f"{kind}:{event.id}",
        context=context or {},
        link=link,
        data=data or {},
        email=p.email,
        name=p.full_name,
        locale=p.locale,
        channels=channels,
    )
    await tell(ctx, session, story, event_id=event.id)


def _token_link(ctx: NotificationContext, path: str, sealed_token: str) -> str:
    """The page that takes the token the user service sealed into its event."""
    return ctx.frontend(path, token=ctx.sealer.open(sealed_token))


async def _security_warning(
    ctx: NotificationContext,
    session: AsyncSession,
    p: PasswordChanged | SecondFactorLocked,
    event: CloudEvent,
    kind: str,
    *,
    context: dict[str, Any],
) -> None:
    """Something happened to the account's credentials: tell the owner, with the way
    back in if it was not them."""
    await _tell_owner(
        ctx,
        session,
        p,
        event,
        kind,
        context={**context, "forgot_url": ctx.frontend("/forgot-password")},
        link=ctx.frontend("/account/security"),
    )


async def user_registered(
    ctx: NotificationContext, session: AsyncSession, p: UserRegistered, event: CloudEvent
) -> None:
    # An unverified address gets the verification mail, which welcomes them too; one
    # mail at sign-up, not two. The feed says welcome either way.
    await _tell_owner(
        ctx,
        session,
        p,
        event,
        "welcome",
        dedupe_key="welcome",
        link=ctx.frontend("/"),
        channels=None if p.email_verified else ("push",),
        email_verified=p.email_verified,
        # Only a new admin is written: a sign-up says nothing that unmakes one.
        admin=True if ROLE_ADMIN in p.roles else None,
    )


async def user_role_changed(
    ctx: NotificationContext,
    session: AsyncSession,
    p: UserRoleChanged | UserRolesAnnounced,
    event: CloudEvent,
) -> None:
    """Whether they answer support now (ADR 0119); nothing is told."""
    await contact_repo.learn(session, p.user_id, ctx.now(), admin=ROLE_ADMIN in p.roles)


async def email_verification_requested(
    ctx: NotificationContext,
    session: AsyncSession,
    p: EmailVerificationRequested,
    event: CloudEvent,
) -> None:
    # Every request is a new link (the previous one stops working): one story each.
    await _tell_owner(
        ctx,
        session,
        p,
        event,
        "verify_email",
        context={
            "email": p.email,
            "verify_url": _token_link(ctx, "/verify-email", p.sealed_token),
            "expires_at": p.expires_at.isoformat(),
        },
        data={"email": p.email},
    )


async def email_verified(
    ctx: NotificationContext, session: AsyncSession, p: EmailVerified, event: CloudEvent
) -> None:
    await contact_repo.mark_verified(session, p.user_id, p.email)


async def phone_verification_requested(
    ctx: NotificationContext,
    session: AsyncSession,
    p: PhoneVerificationRequested,
    event: CloudEvent,
) -> None:
    """The account's number is now this one, unverified: no SMS go to the earlier one;
    the code is texted to this one, whatever the SMS preferences (it was asked for)."""
    now = ctx.now()
    await contact_repo.learn(session, p.user_id, now, full_name=p.full_name, locale=p.locale)
    await contact_repo.set_phone(session, p.user_id, None, now)
    story = Story(
        user_id=p.user_id,
        kind="verify_phone",
        dedupe_key=f"verify_phone:{event.id}",
        context={
            "code": ctx.sealer.open(p.sealed_code),
            "phone": p.phone,
            "expires_at": p.expires_at.isoformat(),
        },
        phone=p.phone,
        name=p.full_name,
        locale=p.locale,
    )
    await tell(ctx, session, story, event_id=event.id)


async def phone_verified(
    ctx: NotificationContext, session: AsyncSession, p: PhoneVerified, event: CloudEvent
) -> None:
    await contact_repo.set_phone(session, p.user_id, p.phone, ctx.now())


async def password_reset_requested(
    ctx: NotificationContext,
    session: AsyncSession,
    p: PasswordResetRequested,
    event: CloudEvent,
) -> None:
    context = {
        "reset_url": _token_link(ctx, "/reset-password", p.sealed_token),
        "expires_at": p.expires_at.isoformat(),
    }
    await _tell_owner(ctx, session, p, event, "password_reset", context=context)


async def password_changed(
    ctx: NotificationContext, session: AsyncSession, p: PasswordChanged, event: CloudEvent
) -> None:
    context = {"changed_at": p.changed_at.isoformat()}
    await _security_warning(ctx, session, p, event, "password_changed", context=context)


async def second_factor_locked(
    ctx: NotificationContext, session: AsyncSession, p: SecondFactorLocked, event: CloudEvent
) -> None:
    context = {"failures": p.failures, "locked_until": p.locked_until.isoformat()}
    await _security_warning(ctx, session, p, event, "second_factor_locked", context=context)


async def user_deleted(
    ctx: NotificationContext, session: AsyncSession, p: UserDeleted, event: CloudEvent
) -> None:
    await contact_repo.erase(session, p.user_id, ctx.now())
    await conversation_repo.erase_person(session, p.user_id, ctx.now())
    await forget_published_naming(session, p.user_id)
