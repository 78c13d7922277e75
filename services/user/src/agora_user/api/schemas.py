"""The user service's request and response models, and how a login's tokens, an account
and an API key map to them (``of``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from agora_user.api import examples
from agora_user.api.fields import (
    Code,
    DisplayName,
    Email,
    Locale,
    LoginEmail,
    Password,
    Phone,
    Role,
    Scope,
    ShortText,
    Token,
)
from agora_user.models import ApiKey, AuditEntry, User
from agora_user.service import api_keys
from agora_user.service.sessions import TokenPair


class RegisterIn(BaseModel, json_schema_extra=examples.REGISTER_IN):
    email: Email
    password: Password
    full_name: DisplayName
    locale: Locale | None = None


class VerifyEmailIn(BaseModel, json_schema_extra=examples.VERIFY_EMAIL_IN):
    token: Token


class LoginIn(BaseModel, json_schema_extra=examples.LOGIN_IN):
    email: LoginEmail
    password: Password


class MfaLoginIn(BaseModel, json_schema_extra=examples.MFA_LOGIN_IN):
    mfa_token: Token
    code: Code = Field(examples=["123456"])


class ReauthenticateIn(BaseModel, json_schema_extra=examples.REAUTHENTICATE_IN):
    password: Password
    code: Code | None = Field(default=None, description="Needed when 2FA is on")


class RefreshIn(BaseModel, json_schema_extra=examples.REFRESH_IN):
    refresh_token: Token


class ForgotIn(BaseModel, json_schema_extra=examples.FORGOT_IN):
    email: LoginEmail


class ResetIn(BaseModel, json_schema_extra=examples.RESET_IN):
    token: Token
    new_password: Password


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int = Field(description="Seconds the access token is valid")
    refresh_expires_in: int = Field(description="Seconds the refresh token is valid")

    @classmethod
    def of(cls, pair: TokenPair) -> TokensOut:
        return cls(
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            expires_in=pair.expires_in,
            refresh_expires_in=pair.refresh_expires_in,
        )


class MfaRequiredOut(BaseModel):
    mfa_required: Literal[True] = True
    mfa_token: str = Field(description="Send it with a code to /auth/login/mfa")
    expires_in: int


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    roles: list[str]
    email_verified: bool
    locale: str | None = None
    mfa_enabled: bool = False
    phone: str | None = Field(default=None, description="E.164; SMS go to it once verified")
    phone_verified: bool = False
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email or "",
            full_name=user.full_name or "",
            roles=sorted(user.roles),
            email_verified=user.email_verified_at is not None,
            locale=user.locale,
            mfa_enabled=user.mfa_enabled,
            phone=user.phone,
            phone_verified=user.phone_verified_at is not None,
            created_at=user.created_at,
        )


class ProfilePatch(BaseModel, json_schema_extra=examples.PROFILE_PATCH):
    full_name: DisplayName | None = None
    locale: Locale | None = Field(default=None, description="null clears it")


class EnrollmentOut(BaseModel):
    secret: str = Field(description="Base32; for apps that cannot scan the URI")
    otpauth_uri: str = Field(description="Show as a QR code to the authenticator app")
    recovery_codes: list[str] = Field(
        description="Single-use codes for when the phone is lost; shown only now, "
        "valid once the enrolment is confirmed"
    )


class PhoneIn(BaseModel, json_schema_extra={"examples": [{"phone": "+447911123456"}]}):
    phone: Phone


class CodeIn(BaseModel, json_schema_extra=examples.CODE_IN):
    code: Code = Field(examples=["123456"])


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


class ApiKeyIn(BaseModel, json_schema_extra=examples.API_KEY_IN):
    name: ShortText = Field(examples=["inventory sync"])
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=4)]


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="The key's public beginning, to recognise it")
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None = None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            name=key.name,
            prefix=api_keys.display_prefix(key),
            scopes=list(key.scopes),
            created_at=key.created_at,
            last_used_at=key.last_used_at,
        )


class NewApiKeyOut(ApiKeyOut):
    key: str = Field(description="The key itself: shown this once, never again")


class AdminUserOut(BaseModel):
    id: uuid.UUID
    email: str | None = Field(description="null once the account is erased")
    full_name: str | None
    roles: list[str]
    is_active: bool
    email_verified: bool
    mfa_enabled: bool
    created_at: datetime
    deleted_at: datetime | None = None

    @classmethod
    def of(cls, user: User) -> AdminUserOut:
        return cls(
            id=user.id,
            email=user.email,
            full_name=user.full_name,
            roles=sorted(user.roles),
            is_active=user.is_active,
            email_verified=user.email_verified_at is not None,
            mfa_enabled=user.mfa_enabled,
            created_at=user.created_at,
            deleted_at=user.deleted_at,
        )


class AdminUserPatch(BaseModel, json_schema_extra=examples.ADMIN_USER_PATCH):
    roles: Annotated[list[Role], Field(max_length=3)] | None = None
    is_active: bool | None = None


class TokenExchangeIn(BaseModel):
    api_key: str = Field(min_length=1, max_length=256, description="The X-API-Key a client sent")


class TokenExchangeOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int = Field(description="Seconds; cache the token no longer than this")
    scope: str = Field(description="Space-separated scopes the token carries")
    user_id: str
    api_key_id: str


class AuditEntryOut(BaseModel):
    """One admin or vendor action: who, what, when, and the changed fields."""

    id: uuid.UUID
    occurred_at: datetime
    service: str = Field(description="The service that made the change")
    actor_id: str | None = Field(description="The acting user; null for the system")
    actor_role: str | None = Field(description="admin, vendor or customer")
    api_key_id: str | None = Field(description="The API key acted with, if any")
    action: str = Field(description="`<resource>.<verb>`, e.g. `vendor.approve`")
    resource_type: str
    resource_id: str
    before: dict[str, Any] | None = Field(description="The changed fields before")
    after: dict[str, Any] | None = Field(description="The changed fields after")
    request_id: str | None = Field(description="`X-Request-ID` of the call that acted")
    trace_id: str | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls.model_validate(entry, from_attributes=True)
