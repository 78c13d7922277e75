"""/users/me: the signed-in user's profile, its GDPR export and erasure, and a new
verification mail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_user.api.deps import ContextDep, CurrentUser, RecentUser
from agora_user.api.fields import DisplayName, Locale
from agora_user.models import User
from agora_user.service import accounts

router = APIRouter(prefix="/users/me", tags=["users"])


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    roles: list[str]
    email_verified: bool
    locale: str | None = None
    mfa_enabled: bool = False
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
            created_at=user.created_at,
        )


class ProfilePatch(BaseModel):
    full_name: DisplayName | None = None
    locale: Locale | None = Field(default=None, description="null clears it")


_AUTH_PROBLEMS = (401, 403)


@router.get("", response_model=UserOut, responses=problem_responses(*_AUTH_PROBLEMS))
async def get_me(user: CurrentUser) -> UserOut:
    return UserOut.of(user)


@router.patch("", response_model=UserOut, responses=problem_responses(*_AUTH_PROBLEMS, 422))
async def update_me(
    body: ProfilePatch, user: CurrentUser, context: ContextDep, session: SessionDep
) -> UserOut:
    changes = body.model_dump(exclude_unset=True)
    if "full_name" in changes and changes["full_name"] is None:
        changes.pop("full_name")  # a name is required; null leaves it as it is
    await accounts.update_profile(context, session, user, changes)
    return UserOut.of(user)


@router.delete(
    "",
    status_code=204,
    summary="Erase the account (GDPR): credentials revoked, personal data anonymised",
    responses=problem_responses(*_AUTH_PROBLEMS),
)
async def erase_me(user: RecentUser, context: ContextDep, session: SessionDep) -> Response:
    await accounts.erase(context, session, user)
    return Response(status_code=204)


@router.get(
    "/export",
    summary="Every piece of personal data held about the user (GDPR)",
    responses=problem_responses(*_AUTH_PROBLEMS),
)
async def export_me(user: CurrentUser, context: ContextDep, session: SessionDep) -> dict[str, Any]:
    return await accounts.export(context, session, user)


@router.post(
    "/email-verification",
    status_code=202,
    response_class=Response,
    summary="Mail a new verification link",
    responses=problem_responses(*_AUTH_PROBLEMS),
)
async def resend_verification(
    user: CurrentUser, context: ContextDep, session: SessionDep
) -> Response:
    if user.email_verified_at is None:
        await accounts.request_email_verification(context, session, user)
    return Response(status_code=202)
