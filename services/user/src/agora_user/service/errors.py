"""The user service's own problems, each with a stable slug (docs/adr/0003)."""

from __future__ import annotations

from typing import Any

from agora_kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidParam,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
)


class EmailTaken(Conflict):
    slug = "email-taken"
    title = "E-mail address already registered"


class WeakPassword(Unprocessable):
    slug = "weak-password"
    title = "Password rejected by the password policy"

    def __init__(self, reason: str, *, field: str = "body.password") -> None:
        super().__init__(reason, errors=[InvalidParam(name=field, reason=reason)])


class InvalidToken(BadRequest):
    """A verification or reset token that is unknown, used or expired."""

    slug = "invalid-token"
    title = "Invalid or expired token"


class InvalidCredentials(Unauthorized):
    slug = "invalid-credentials"
    title = "Invalid credentials"


class LoginLocked(TooManyRequests):
    slug = "login-locked"
    title = "Too many failed logins"

    def __init__(self, retry_after: int, limit: int) -> None:
        super().__init__(
            f"Too many failed logins; try again in {retry_after} seconds.",
            headers={
                "Retry-After": str(retry_after),
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(retry_after),
            },
        )


class MfaLocked(TooManyRequests):
    slug = "mfa-locked"
    title = "Too many wrong second-factor codes"

    def __init__(self, retry_after: int, limit: int) -> None:
        super().__init__(
            f"Too many wrong codes for this account; try again in {retry_after} seconds.",
            headers={
                "Retry-After": str(retry_after),
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(retry_after),
            },
        )


class InvalidPhoneCode(BadRequest):
    """A phone verification code that is wrong, used, expired or for another number."""

    slug = "invalid-phone-code"
    title = "Wrong or expired phone code"


class PhoneCodeThrottled(TooManyRequests):
    slug = "phone-code-throttled"
    title = "Too many phone codes asked for"

    def __init__(self, retry_after: int, limit: int) -> None:
        super().__init__(
            f"A code was texted recently; ask again in {retry_after} seconds.",
            headers={
                "Retry-After": str(retry_after),
                "RateLimit-Limit": str(limit),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(retry_after),
            },
        )


class ReauthenticationRequired(Unauthorized):
    """A valid session whose sign-in is too old for a sensitive change (RFC 9470)."""

    slug = "reauthentication-required"
    title = "Sign in again to do this"

    def __init__(self, max_age: int) -> None:
        super().__init__(
            f"Confirm your password (POST /api/v1/auth/reauthenticate): this needs a "
            f"sign-in within the last {max_age} seconds.",
            headers={
                "WWW-Authenticate": (
                    f'Bearer error="insufficient_user_authentication", max_age={max_age}'
                )
            },
        )


class AccountDisabled(Forbidden):
    slug = "account-disabled"
    title = "Account disabled"


class InvalidRefreshToken(Unauthorized):
    slug = "invalid-refresh-token"
    title = "Invalid refresh token"


class RefreshTokenReused(InvalidRefreshToken):
    slug = "refresh-token-reused"
    title = "Refresh token reused; the session has been revoked"


class InvalidMfaCode(BadRequest):
    slug = "invalid-mfa-code"
    title = "Wrong or expired code"


class MfaFailed(Unauthorized):
    slug = "mfa-failed"
    title = "Second factor rejected"


class MfaAlreadyEnabled(Conflict):
    slug = "mfa-already-enabled"
    title = "Two-factor authentication is already on"


class MfaNotEnabled(Conflict):
    slug = "mfa-not-enabled"
    title = "Two-factor authentication is not on"


class TooManyApiKeys(Conflict):
    slug = "api-key-limit"
    title = "Too many API keys"


class InvalidApiKey(Unauthorized):
    slug = "invalid-api-key"
    title = "Invalid API key"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'ApiKey realm="agora"'})
        super().__init__(detail, **kwargs)


class ScopeNotAllowed(Forbidden):
    slug = "scope-not-allowed"
    title = "Scope not allowed for this account"


class CannotChangeOwnAdmin(Conflict):
    slug = "cannot-change-own-admin"
    title = "An admin cannot demote or deactivate themselves"


class SigningKeyUnavailable(ServiceUnavailable):
    slug = "signing-key-unavailable"
    title = "Token signing is unavailable"
