"""Events of the user service: one topic for the user aggregate, keyed by user id.

Some of these carry an e-mail address and a single-use token so that the notification
service can send the mail. They travel only inside the backend (outbox, event log,
Kafka), never to a client, and the token only sealed under ``AGORA_MAIL_TOKEN_KEY``
(``agora_kit.sealing``), so those copies hold nothing usable; the user service itself
stores only hashes of the tokens.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from agora_contracts.events import EventPayload, topic_name

USER_TOPIC = topic_name("user", "user")


class _UserEvent(EventPayload):
    topic: ClassVar[str] = USER_TOPIC

    user_id: UUID


class UserRegistered(_UserEvent):
    """A new account exists (self-registered, or created by an operator)."""

    event_type: ClassVar[str] = "agora.user.user.registered.v1"

    email: str
    full_name: str
    roles: list[str]
    locale: str | None = None
    email_verified: bool = False
    registered_at: datetime


class EmailVerificationRequested(_UserEvent):
    """Send the user a link that proves they own ``email``; the token is single-use."""

    event_type: ClassVar[str] = "agora.user.user.email_verification_requested.v2"

    email: str
    full_name: str
    locale: str | None = None
    sealed_token: str = Field(
        description="Sealed (agora_kit.sealing); opened, it goes into the link, and "
        "POST /auth/verify-email takes it back"
    )
    expires_at: datetime


class EmailVerified(_UserEvent):
    event_type: ClassVar[str] = "agora.user.user.email_verified.v1"

    email: str
    verified_at: datetime


class PhoneVerificationRequested(_UserEvent):
    """Text the user a code that proves they own ``phone`` (E.164). Until it is
    verified the account has no usable phone number: SMS stop going to an earlier
    one."""

    event_type: ClassVar[str] = "agora.user.user.phone_verification_requested.v1"

    phone: str = Field(description="E.164, e.g. +447911123456")
    full_name: str
    locale: str | None = None
    sealed_code: str = Field(
        description="Sealed (agora_kit.sealing); opened, the 6-digit code the SMS "
        "carries, which POST /users/me/phone/verify takes back"
    )
    expires_at: datetime


class PhoneVerified(_UserEvent):
    """``phone`` (E.164) is the account's verified number: SMS may go to it."""

    event_type: ClassVar[str] = "agora.user.user.phone_verified.v1"

    phone: str
    verified_at: datetime


class PasswordResetRequested(_UserEvent):
    """Send the user a password-reset link; the token is single-use."""

    event_type: ClassVar[str] = "agora.user.user.password_reset_requested.v2"

    email: str
    full_name: str
    locale: str | None = None
    sealed_token: str = Field(
        description="Sealed (agora_kit.sealing); opened, it goes into the link, and "
        "POST /auth/password/reset takes it"
    )
    expires_at: datetime


class PasswordChanged(_UserEvent):
    """The password was reset or changed: tell the owner, in case it was not them."""

    event_type: ClassVar[str] = "agora.user.user.password_changed.v1"

    email: str
    full_name: str
    locale: str | None = None
    changed_at: datetime


class SecondFactorLocked(_UserEvent):
    """Too many wrong second-factor codes: the second login step is locked until
    ``locked_until``. Tell the owner, whose password someone else knows."""

    event_type: ClassVar[str] = "agora.user.user.second_factor_locked.v1"

    email: str
    full_name: str
    locale: str | None = None
    failures: int
    locked_until: datetime


class UserRoleChanged(_UserEvent):
    event_type: ClassVar[str] = "agora.user.user.role_changed.v1"

    roles: list[str] = Field(description="The roles the user holds now")
    added: list[str] = []
    removed: list[str] = []
    changed_at: datetime


class UserRolesAnnounced(_UserEvent):
    """The roles an account holds, sent again on an operator's request (``agora user
    announce-roles``), not because they changed: services that started keeping roles
    after the account got them learn of them. Only accounts with a role beyond
    ``customer`` are announced."""

    event_type: ClassVar[str] = "agora.user.user.roles_announced.v1"

    roles: list[str] = Field(description="The roles the user holds now")
    announced_at: datetime


class ApiKeysRevoked(_UserEvent):
    """API keys of ``user_id`` stopped working: revoked by the owner, by a password
    reset, by erasure, or the account was deactivated (``key_ids`` then lists the keys
    that stay refused while it is inactive). The gateway evicts what it cached for the
    user, so a revoked key is refused at once rather than after its cache lifetime."""

    event_type: ClassVar[str] = "agora.user.user.api_keys_revoked.v1"

    key_ids: list[UUID]
    reason: str = Field(description="revoked, password_reset, account_erased or deactivated")
    revoked_at: datetime


class UserDeleted(_UserEvent):
    """The account was erased (GDPR): anonymise whatever you hold about ``user_id``."""

    event_type: ClassVar[str] = "agora.user.user.deleted.v1"

    deleted_at: datetime
