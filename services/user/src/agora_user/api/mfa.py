"""/users/me/mfa: TOTP enrolment, confirmation, removal and recovery codes."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_user.api.deps import ContextDep, CurrentUser, RecentUser
from agora_user.api.fields import Code
from agora_user.service import mfa

router = APIRouter(prefix="/users/me/mfa", tags=["two-factor"])


class EnrollmentOut(BaseModel):
    secret: str = Field(description="Base32; for apps that cannot scan the URI")
    otpauth_uri: str = Field(description="Show as a QR code to the authenticator app")
    recovery_codes: list[str] = Field(
        description="Single-use codes for when the phone is lost; shown only now, "
        "valid once the enrolment is confirmed"
    )


class CodeIn(BaseModel):
    code: Code = Field(examples=["123456"])


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


@router.post(
    "/totp",
    status_code=201,
    response_model=EnrollmentOut,
    summary="Start TOTP enrolment",
    responses=problem_responses(401, 403, 409),
)
async def enroll(user: RecentUser, context: ContextDep, session: SessionDep) -> EnrollmentOut:
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
    codes = await mfa.regenerate_recovery_codes(context, session, user, body.code)
    return RecoveryCodesOut(recovery_codes=codes)
