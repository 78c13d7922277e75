"""/auth: registration, e-mail verification, login (with the second step), the OAuth2
password flow for the docs UI, refresh, logout, password reset."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Header, Response

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_user.api.deps import ClientAddress, ContextDep, CurrentSession, CurrentUser
from agora_user.api.fields import LoginEmail, Password
from agora_user.api.schemas import (
    ForgotIn,
    LoginIn,
    MfaLoginIn,
    MfaRequiredOut,
    ReauthenticateIn,
    RefreshIn,
    RegisterIn,
    ResetIn,
    TokensOut,
    UserOut,
    VerifyEmailIn,
)
from agora_user.service import accounts, sessions
from agora_user.service.emails import normalise_email
from agora_user.service.errors import MfaFailed
from agora_user.service.sessions import MfaChallenge

router = APIRouter(prefix="/auth", tags=["auth"])


UserAgent = Annotated[str | None, Header(include_in_schema=False)]


@router.post(
    "/register",
    status_code=201,
    response_model=UserOut,
    summary="Create a customer account",
    responses=problem_responses(409, 422),
)
async def register(body: RegisterIn, context: ContextDep, session: SessionDep) -> UserOut:
    """Create a customer account and mail a link to verify the address. An address
    already registered is 409; a weak password or a bad address is 422."""
    user = await accounts.register(
        context,
        session,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        locale=body.locale,
    )
    return UserOut.of(user)


@router.post(
    "/verify-email",
    status_code=204,
    summary="Confirm the e-mail address with the token from the mail",
    responses=problem_responses(400, 422),
)
async def verify_email(body: VerifyEmailIn, context: ContextDep, session: SessionDep) -> Response:
    """Confirm the e-mail address with the token from the verification mail. A bad or
    expired token is 400."""
    await accounts.verify_email(context, session, body.token)
    return Response(status_code=204)


@router.post(
    "/login",
    response_model=TokensOut | MfaRequiredOut,
    summary="Sign in with e-mail and password",
    responses=problem_responses(401, 403, 422, 429),
)
async def login(
    body: LoginIn,
    context: ContextDep,
    session: SessionDep,
    client: ClientAddress,
    user_agent: UserAgent = None,
) -> TokensOut | MfaRequiredOut:
    """Sign in with e-mail and password: an access token (15 minutes) and a refresh
    token. With two-factor on, the answer is `mfa_required` with a token for `POST
    /auth/login/mfa`. Unknown addresses and wrong passwords get the same 401;
    repeated failures lock the account for a while (429)."""
    result = await sessions.login(
        context,
        session,
        email=body.email,
        password=body.password,
        client=client,
        user_agent=user_agent,
    )
    if isinstance(result, MfaChallenge):
        return MfaRequiredOut(mfa_token=result.mfa_token, expires_in=result.expires_in)
    return TokensOut.of(result)


@router.post(
    "/login/mfa",
    response_model=TokensOut,
    summary="Second step of a login: a TOTP code or a recovery code",
    responses=problem_responses(401, 422),
)
async def login_mfa(
    body: MfaLoginIn, context: ContextDep, session: SessionDep, user_agent: UserAgent = None
) -> TokensOut:
    """The second step of a login with two-factor on: the `mfa_token` from the first
    step and a TOTP code or a recovery code."""
    pair = await sessions.login_second_step(
        context, session, mfa_token=body.mfa_token, code=body.code, user_agent=user_agent
    )
    return TokensOut.of(pair)


@router.post(
    "/token",
    response_model=TokensOut,
    summary="OAuth2 password flow (for the docs UI)",
    responses=problem_responses(401, 403, 422, 429),
)
async def token(
    *,
    username: Annotated[LoginEmail, Form(examples=["ada@example.com"])],
    password: Annotated[Password, Form(examples=["tranquil-otter-parade-42"])],
    context: ContextDep,
    session: SessionDep,
    client: ClientAddress,
    user_agent: UserAgent = None,
) -> TokensOut:
    """The OAuth2 password flow (form fields `username` and `password`), for the docs
    UI's *Authorize* button. Clients use `POST /auth/login`."""
    result = await sessions.login(
        context, session, email=username, password=password, client=client, user_agent=user_agent
    )
    if isinstance(result, MfaChallenge):
        raise MfaFailed("Two-factor authentication is on: sign in with /auth/login.")
    return TokensOut.of(result)


@router.post(
    "/reauthenticate",
    response_model=TokensOut,
    summary="Confirm the password (and code) again; new tokens with a fresh auth_time",
    description=(
        "Creating API keys, turning 2FA on or off and erasing the account need a "
        "sign-in within the last few minutes; otherwise they answer 401 "
        "`reauthentication-required`. This renews the session's sign-in time."
    ),
    responses=problem_responses(401, 403, 422, 429),
)
async def reauthenticate(
    *,
    body: ReauthenticateIn,
    user: CurrentUser,
    login: CurrentSession,
    context: ContextDep,
    session: SessionDep,
    client: ClientAddress,
) -> TokensOut:
    pair = await sessions.reauthenticate(
        context, session, user, login, password=body.password, code=body.code, client=client
    )
    return TokensOut.of(pair)


@router.post(
    "/refresh",
    response_model=TokensOut,
    summary="Rotate a refresh token into a new pair",
    responses=problem_responses(401, 422),
)
async def refresh(body: RefreshIn, context: ContextDep, session: SessionDep) -> TokensOut:
    """Exchange a refresh token for a new pair. Each refresh token works once;
    presenting a used one revokes its whole family (401)."""
    return TokensOut.of(await sessions.refresh(context, session, body.refresh_token))


@router.post(
    "/logout",
    status_code=204,
    summary="End the session of a refresh token",
    responses=problem_responses(422),
)
async def logout(body: RefreshIn, context: ContextDep, session: SessionDep) -> Response:
    """End the session of a refresh token; its access tokens run out on their own."""
    await sessions.logout(context, session, body.refresh_token)
    return Response(status_code=204)


@router.post(
    "/password/forgot",
    status_code=202,
    response_class=Response,
    summary="Mail a reset link (202 whether or not the address has an account)",
    responses=problem_responses(422),
)
async def forgot_password(body: ForgotIn, context: ContextDep, session: SessionDep) -> Response:
    """Mail a password-reset link. Answers 202 whether or not the address has an
    account, so it cannot be used to find accounts."""
    try:
        email = normalise_email(body.email)
    except ValueError:
        return Response(status_code=202)
    await accounts.forgot_password(context, session, email)
    return Response(status_code=202)


@router.post(
    "/password/reset",
    status_code=204,
    summary="Set a new password with the token from the mail; ends every session",
    responses=problem_responses(400, 422),
)
async def reset_password(body: ResetIn, context: ContextDep, session: SessionDep) -> Response:
    """Set a new password with the token from the reset mail. Every session of the
    account ends."""
    await accounts.reset_password(
        context, session, token=body.token, new_password=body.new_password
    )
    return Response(status_code=204)
