"""Preferences per category and channel, and one-click unsubscribe."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from agora_kit.db import SessionDep
from agora_kit.errors import InvalidParam, Unprocessable, problem_responses
from agora_notification.api.deps import ContextDep, UserId
from agora_notification.api.schemas import PreferencesIn, PreferencesOut, Unsubscribed
from agora_notification.domain import LOCKED
from agora_notification.repository import contacts as contact_repo
from agora_notification.repository import preferences as preference_repo
from agora_notification.service.errors import InvalidUnsubscribeToken
from agora_notification.service.unsubscribe import InvalidToken

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get(
    "/preferences",
    response_model=PreferencesOut,
    summary="What you are notified of, and where",
    responses=problem_responses(401, 403),
)
async def get_preferences(session: SessionDep, user_id: UserId) -> PreferencesOut:
    """What the caller is notified of (`account`, `orders`, `messages`, `marketing`) and
    on which channels (`email`, `sms`, `push`, `in_app`)."""
    return PreferencesOut.of(await preference_repo.stored(session, user_id))


@router.put(
    "/preferences",
    response_model=PreferencesOut,
    summary="Change what you are notified of, and where",
    responses=problem_responses(401, 403, 422),
)
async def put_preferences(
    body: PreferencesIn, session: SessionDep, context: ContextDep, user_id: UserId
) -> PreferencesOut:
    """Replace the caller's notification preferences. The choices listed as `locked`
    cannot be switched off."""
    locked = [
        InvalidParam(
            name=f"body.preferences.{category}.{channel}",
            reason="account and security e-mail cannot be switched off",
        )
        for category, channels in body.preferences.items()
        for channel, enabled in channels.items()
        if not enabled and (category, channel) in LOCKED
    ]
    if locked:
        raise Unprocessable("Some of these choices cannot be switched off.", errors=locked)
    changes = [
        (category, channel, enabled)
        for category, channels in body.preferences.items()
        for channel, enabled in channels.items()
    ]
    await preference_repo.save(session, user_id, changes, context.now())
    return PreferencesOut.of(await preference_repo.stored(session, user_id))


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;">
<h1 style="font-size:20px;">{title}</h1><p>{text}</p></body></html>
"""


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


async def _unsubscribe(
    request: Request, token: str, session: SessionDep, context: ContextDep
) -> JSONResponse | HTMLResponse:
    try:
        choice = context.unsubscribe.verify(token)
    except InvalidToken:
        if _wants_html(request):
            page = _PAGE.format(
                title="This link does not work",
                text="The unsubscribe link is invalid. Sign in to choose what we send you.",
            )
            return HTMLResponse(page, status_code=400)
        raise InvalidUnsubscribeToken("The unsubscribe link is invalid.") from None
    # An erased user has nothing left to unsubscribe from; the answer is the same.
    contact = await contact_repo.get(session, choice.user_id)
    if contact is None or contact.deleted_at is None:
        await preference_repo.save(
            session, choice.user_id, [(choice.category, choice.channel, False)], context.now()
        )
    if _wants_html(request):
        page = _PAGE.format(
            title="You are unsubscribed",
            text=html.escape(
                f"You will no longer get {choice.category} notifications by {choice.channel}. "
                "Account and security e-mail still reaches you."
            ),
        )
        return HTMLResponse(page)
    return JSONResponse(Unsubscribed(category=choice.category, channel=choice.channel).model_dump())


Token = Annotated[str, Query(min_length=1, max_length=512, description="From the mail's link")]


@router.get(
    "/unsubscribe",
    response_model=Unsubscribed,
    summary="One-click unsubscribe from a mail link",
    responses=problem_responses(400, 422),
)
async def unsubscribe(
    request: Request, token: Token, session: SessionDep, context: ContextDep
) -> JSONResponse | HTMLResponse:
    """One-click unsubscribe from the link in a mail: the token names the account and
    the category. No sign-in needed."""
    return await _unsubscribe(request, token, session, context)


@router.post(
    "/unsubscribe",
    response_model=Unsubscribed,
    summary="RFC 8058 one-click unsubscribe (what a mail client's button sends)",
    responses=problem_responses(400, 422),
)
async def unsubscribe_post(
    request: Request, token: Token, session: SessionDep, context: ContextDep
) -> JSONResponse | HTMLResponse:
    """The RFC 8058 one-click unsubscribe that a mail client's button sends
    (`List-Unsubscribe-Post`). No sign-in needed."""
    return await _unsubscribe(request, token, session, context)
