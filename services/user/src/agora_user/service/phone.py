"""The account's phone number, verified by a 6-digit code texted through the
notification service (ADR 0117).

Putting a number makes it the account's, unverified, and texts it a code: the code is
stored as an HMAC under a key derived from the service's secret key (six digits are
too few for a plain digest), with the token row's id in the MAC so equal codes never
share a digest. It expires soon, takes a few wrong tries, and a new one is texted at
most once per cool-down and a few times a day, per account and per number. The code
travels sealed in ``user.phone_verification_requested``; ``user.phone_verified`` gives
the notification service the number to send SMS to.
"""

from __future__ import annotations

import hmac
import math
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.user import PhoneVerificationRequested, PhoneVerified
from agora_user.models import OneTimeToken, User
from agora_user.repository import tokens as token_repo
from agora_user.service.context import UserContext
from agora_user.service.errors import InvalidPhoneCode, InvalidToken, PhoneCodeThrottled


def _mac(ctx: UserContext, token_id: uuid.UUID, code: str) -> str:
    return ctx.phone_code_key(f"{token_id}:{code}")


async def _check_rate(ctx: UserContext, session: AsyncSession, user: User, phone: str) -> None:
    s = ctx.settings
    now = ctx.now()
    last = await token_repo.latest_created(session, user.id, token_repo.VERIFY_PHONE)
    if last is not None and now - last < timedelta(seconds=s.phone_code_cooldown_seconds):
        wait = s.phone_code_cooldown_seconds - (now - last).total_seconds()
        raise PhoneCodeThrottled(max(1, math.ceil(wait)), 1)
    day_ago = now - timedelta(days=1)
    if (
        await token_repo.count_since(session, user.id, token_repo.VERIFY_PHONE, day_ago)
        >= s.phone_codes_per_day
    ):
        raise PhoneCodeThrottled(3600, s.phone_codes_per_day)
    # Many accounts asking for one number would text it without end: a day's cap on
    # the number too.
    if (
        await token_repo.count_to_phone_since(session, phone, day_ago)
        >= s.phone_codes_per_number_per_day
    ):
        raise PhoneCodeThrottled(3600, s.phone_codes_per_number_per_day)


async def request_verification(
    ctx: UserContext, session: AsyncSession, user: User, phone: str
) -> bool:
    """Make ``phone`` (E.164) the account's number and text it a code; False when it
    is the account's verified number already (nothing is sent)."""
    if user.phone == phone and user.phone_verified_at is not None:
        return False
    if user.email is None or user.full_name is None:
        raise InvalidToken("The account was erased.")
    await _check_rate(ctx, session, user, phone)
    now = ctx.now()
    await token_repo.invalidate(session, user.id, token_repo.VERIFY_PHONE, now)
    code = f"{secrets.randbelow(10**6):06d}"
    token_id = uuid.uuid4()
    expires_at = ctx.after(ctx.settings.phone_code_ttl_seconds)
    session.add(
        OneTimeToken(
            id=token_id,
            user_id=user.id,
            purpose=token_repo.VERIFY_PHONE,
            token_hash=_mac(ctx, token_id, code),
            phone=phone,
            created_at=now,
            expires_at=expires_at,
        )
    )
    user.phone = phone
    user.phone_verified_at = None
    user.updated_at = now
    await session.flush()
    await ctx.outbox.add(
        session,
        PhoneVerificationRequested(
            user_id=user.id,
            phone=phone,
            full_name=user.full_name,
            locale=user.locale,
            sealed_code=ctx.sealer.seal(code),
            expires_at=expires_at,
        ),
        key=str(user.id),
    )
    return True


async def verify(ctx: UserContext, session: AsyncSession, user: User, code: str) -> User:
    """Verify the account's number with the code texted to it."""
    now = ctx.now()
    row = await token_repo.latest_valid(session, user.id, token_repo.VERIFY_PHONE, now)
    if row is None or row.phone != user.phone or user.phone is None:
        raise InvalidPhoneCode("No code is waiting for this number; ask for a new one.")
    if not hmac.compare_digest(row.token_hash, _mac(ctx, row.id, code)):
        # In a transaction of its own: this request's rolls back.
        async with ctx.database.transaction() as own:
            await token_repo.count_attempt(
                own, row.id, now, max_attempts=ctx.settings.phone_code_max_attempts
            )
        raise InvalidPhoneCode("Wrong code.")
    if not await token_repo.consume(session, row.id, now):
        raise InvalidPhoneCode("No code is waiting for this number; ask for a new one.")
    user.phone_verified_at = now
    user.updated_at = now
    await session.flush()
    await ctx.outbox.add(
        session,
        PhoneVerified(user_id=user.id, phone=user.phone, verified_at=now),
        key=str(user.id),
    )
    return user
