"""TOTP two-factor authentication (RFC 6238, via pyotp) and recovery codes."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from agora_user.models import User
from agora_user.repository import tokens as token_repo
from agora_user.service.context import UserContext
from agora_user.service.errors import InvalidMfaCode, MfaAlreadyEnabled, MfaNotEnabled
from agora_user.service.secrets import digest

# Crockford's base32 without look-alikes; 16 of them are 80 bits, so a SHA-256 digest
# is enough to store them.
_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_STEP_SECONDS = 30


@dataclass(frozen=True)
class Enrollment:
    secret: str
    otpauth_uri: str
    recovery_codes: list[str]


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _canonical_recovery_code(code: str) -> str:
    raw = code.strip().lower().replace("-", "").replace(" ", "")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _secret(ctx: UserContext, user: User) -> str:
    assert user.totp_secret is not None
    return ctx.totp_box.decrypt(user.totp_secret).decode()


async def enroll(ctx: UserContext, session: AsyncSession, user: User) -> Enrollment:
    """Start TOTP enrolment: a new secret and recovery codes, both pending until a
    first code confirms that the authenticator app has the secret."""
    if user.mfa_enabled:
        raise MfaAlreadyEnabled("Turn two-factor authentication off first to re-enrol.")
    secret = pyotp.random_base32()
    user.totp_secret = ctx.totp_box.encrypt(secret.encode())
    user.totp_last_step = None
    codes = [_new_recovery_code() for _ in range(ctx.settings.recovery_code_count)]
    await token_repo.replace_recovery_codes(session, user.id, [digest(c) for c in codes])
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=user.email or str(user.id), issuer_name=ctx.settings.totp_issuer
    )
    await session.flush()
    return Enrollment(secret, uri, codes)


def _accept_totp(ctx: UserContext, user: User, code: str) -> bool:
    """A current code (one step of clock skew either way) not used before."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    totp = pyotp.TOTP(_secret(ctx, user))
    now = int(ctx.now().timestamp())
    for offset in (0, -1, 1):
        at = now + offset * _STEP_SECONDS
        step = at // _STEP_SECONDS
        if hmac.compare_digest(totp.at(at), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # replayed
            user.totp_last_step = step
            return True
    return False


async def confirm(ctx: UserContext, session: AsyncSession, user: User, code: str) -> None:
    if user.mfa_enabled:
        raise MfaAlreadyEnabled("Two-factor authentication is already on.")
    if user.totp_secret is None:
        raise MfaNotEnabled("Start enrolment first (POST /users/me/mfa/totp).")
    if not _accept_totp(ctx, user, code):
        raise InvalidMfaCode("The code is wrong or expired.")
    user.totp_enabled_at = ctx.now()
    await session.flush()


async def verify_second_factor(
    ctx: UserContext, session: AsyncSession, user: User, code: str
) -> bool:
    """A TOTP code, or one of the recovery codes (each works once)."""
    if not user.mfa_enabled:
        return False
    if _accept_totp(ctx, user, code):
        await session.flush()
        return True
    if len(code) > 64:
        return False
    return await token_repo.use_recovery_code(
        session, user.id, digest(_canonical_recovery_code(code)), ctx.now()
    )


async def disable(ctx: UserContext, session: AsyncSession, user: User, code: str) -> None:
    """Turn TOTP off; a current code or a recovery code proves it is the owner, not
    someone holding a stolen access token."""
    if not user.mfa_enabled:
        raise MfaNotEnabled("Two-factor authentication is not on.")
    if not await verify_second_factor(ctx, session, user, code):
        raise InvalidMfaCode("The code is wrong or expired.")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    await token_repo.delete_recovery_codes(session, user.id)
    await session.flush()


async def regenerate_recovery_codes(
    ctx: UserContext, session: AsyncSession, user: User, code: str
) -> list[str]:
    if not user.mfa_enabled:
        raise MfaNotEnabled("Two-factor authentication is not on.")
    if not await verify_second_factor(ctx, session, user, code):
        raise InvalidMfaCode("The code is wrong or expired.")
    codes = [_new_recovery_code() for _ in range(ctx.settings.recovery_code_count)]
    await token_repo.replace_recovery_codes(session, user.id, [digest(c) for c in codes])
    return codes
