"""/users/me/mfa: TOTP enrolment, confirmation, removal and recovery codes."""

from __future__ import annotations

from fastapi import APIRouter, Response

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_user.api.deps import ContextDep, CurrentUser, RecentUser
from agora_user.api.schemas import CodeIn, EnrollmentOut, RecoveryCodesOut
from agora_user.service import mfa

router = APIRouter(prefix="/users/me/mfa", tags=["two-factor"])


@router.post(
    "/totp",
    status_code=201,
    response_model=EnrollmentOut,
    summary="Start TOTP enrolment",
    responses=problem_responses(401, 403, 409),
)
async def enroll(user: RecentUser, context: ContextDep, session: SessionDep) -> EnrollmentOut:
    """Start TOTP enrolment (needs a recent sign-in): a secret, an `otpauth://` URI to
    show as a QR code, and the recovery codes, shown only now. Two-factor is on once
    `POST /users/me/mfa/totp/confirm` gets a first code."""
    enrollment = await mfa.enroll(context, session, user)
    return EnrollmentOut(
        secret=enrollment.secret,
        otpauth_uri=enrollment.otpauth_uri,
        recovery_codes=enrollment.recovery_codes,
    )


@router.post(
    "/totp/confirm",
    status_code=204,
    summary="Turn TOTP on with a first code from the app",
    responses=problem_responses(400, 401, 403, 409, 422),
)
async def confirm(
    body: CodeIn, user: CurrentUser, context: ContextDep, session: SessionDep
) -> Response:
    """Turn TOTP on with a first code from the authenticator app; from then on signing
    in asks for a second factor."""
    await mfa.confirm(context, session, user, body.code)
    return Response(status_code=204)


@router.delete(
    "/totp",
    status_code=204,
    summary="Turn TOTP off; needs a current code or a recovery code",
    responses=problem_responses(400, 401, 403, 409, 422),
)
async def disable(
    body: CodeIn, user: RecentUser, context: ContextDep, session: SessionDep
) -> Response:
    """Turn two-factor off; needs a recent sign-in and a current TOTP code or a
    recovery code."""
    await mfa.disable(context, session, user, body.code)
    return Response(status_code=204)


@router.post(
    "/recovery-codes",
    status_code=201,
    response_model=RecoveryCodesOut,
    summary="Replace the recovery codes; needs a current code",
    responses=problem_responses(400, 401, 403, 409, 422),
)
async def new_recovery_codes(
    body: CodeIn, user: RecentUser, context: ContextDep, session: SessionDep
) -> RecoveryCodesOut:
    """Replace the recovery codes (the old ones stop working); needs a recent sign-in
    and a current TOTP code. The new codes are shown once."""
    codes = await mfa.regenerate_recovery_codes(context, session, user, body.code)
    return RecoveryCodesOut(recovery_codes=codes)
