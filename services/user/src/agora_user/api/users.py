"""/users/me: the signed-in user's profile, its GDPR export and erasure, and a new
verification mail."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_user.api.deps import ContextDep, CurrentUser, RecentUser
from agora_user.api.schemas import ProfilePatch, UserOut
from agora_user.service import accounts

router = APIRouter(prefix="/users/me", tags=["users"])


_AUTH_PROBLEMS = (401, 403)


@router.get(
    "", summary="Your profile", response_model=UserOut, responses=problem_responses(*_AUTH_PROBLEMS)
)
async def get_me(user: CurrentUser) -> UserOut:
    """The caller's account: e-mail, name, roles, whether the address is verified and
    whether two-factor is on."""
    return UserOut.of(user)


@router.patch(
    "",
    summary="Change your profile",
    response_model=UserOut,
    responses=problem_responses(*_AUTH_PROBLEMS, 422),
)
async def update_me(
    body: ProfilePatch, user: CurrentUser, context: ContextDep, session: SessionDep
) -> UserOut:
    """Change the caller's name or other profile fields. Only the fields sent change."""
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
    """Erase the caller's account (GDPR): every session and API key is revoked and
    personal data is anonymised. Needs a recent sign-in."""
    await accounts.erase(context, session, user)
    return Response(status_code=204)


@router.get(
    "/export",
    summary="Every piece of personal data held about the user (GDPR)",
    responses=problem_responses(*_AUTH_PROBLEMS, 503),
)
async def export_me(user: CurrentUser, context: ContextDep, session: SessionDep) -> dict[str, Any]:
    """Every piece of personal data held about the caller, as one JSON document (GDPR):
    the account (`profile`, `sessions`, `api_keys`, `account_emails`), and, added by the
    gateway from each service, `catalog` (store, reviews, wishlist, verified purchases),
    `order` (orders with addresses and lines, cart, coupon redemptions), `payment`
    (payments, refunds) and `notification` (contact, preferences, feed, deliveries,
    push devices, webhooks). 503 when a service cannot give its part: the export is
    never given incomplete."""
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
    """Mail a new link to verify the caller's address; 202 also when it is already
    verified."""
    if user.email_verified_at is None:
        await accounts.request_email_verification(context, session, user)
    return Response(status_code=202)
