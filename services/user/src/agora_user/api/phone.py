"""/users/me/phone: the account's phone number, verified by a texted code (ADR 0117)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_user.api.deps import ContextDep, CurrentUser
from agora_user.api.schemas import CodeIn, PhoneIn, UserOut
from agora_user.service import phone

router = APIRouter(prefix="/users/me/phone", tags=["users"])


@router.put(
    "",
    status_code=202,
    summary="Set your phone number and text it a code",
    response_model=UserOut,
    responses=problem_responses(400, 401, 403, 422, 429),
)
async def put_phone(
    body: PhoneIn, user: CurrentUser, context: ContextDep, session: SessionDep, response: Response
) -> UserOut:
    """Make `phone` (E.164, e.g. `+447911123456`) the caller's number, not yet
    verified, and text it a 6-digit code that `POST /users/me/phone/verify` takes; the
    code expires after 10 minutes and takes 5 tries. SMS go to the number once it is
    verified. A code is texted at most once a minute and 5 times a day (429 with
    `Retry-After`). The caller's verified number already: 200, nothing is sent."""
    if not await phone.request_verification(context, session, user, body.phone):
        response.status_code = 200
    return UserOut.of(user)


@router.post(
    "/verify",
    summary="Verify your phone number with the code texted to it",
    response_model=UserOut,
    responses=problem_responses(400, 401, 403, 422),
)
async def verify_phone(
    body: CodeIn, user: CurrentUser, context: ContextDep, session: SessionDep
) -> UserOut:
    """Verify the caller's number with the code texted to it. A wrong, used or expired
    code is 400 (`invalid-phone-code`); the fifth wrong try spends the code."""
    await phone.verify(context, session, user, body.code)
    return UserOut.of(user)
