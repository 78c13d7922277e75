"""/users/me/api-keys: keys for third-party developers."""

from __future__ import annotations

from fastapi import APIRouter, Response

from agora_kit.db import SessionDep
from agora_kit.errors import NotFound, problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_user.api.deps import ContextDep, CurrentUser, RecentUser
from agora_user.api.schemas import ApiKeyIn, ApiKeyOut, NewApiKeyOut
from agora_user.service import api_keys

router = APIRouter(prefix="/users/me/api-keys", tags=["api-keys"])


@router.post(
    "",
    status_code=201,
    response_model=NewApiKeyOut,
    summary="Create an API key (the key is shown once)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_key(
    body: ApiKeyIn, user: RecentUser, context: ContextDep, session: SessionDep
) -> NewApiKeyOut:
    """Create an API key acting as the caller, limited to the scopes given (needs a
    recent sign-in). The key is in this answer only; store it now."""
    key, secret = await api_keys.create(
        context, session, user, name=body.name, scopes=list(body.scopes)
    )
    return NewApiKeyOut(**ApiKeyOut.of(key).model_dump(), key=secret)


@router.get(
    "",
    response_model=Page[ApiKeyOut],
    summary="The user's active API keys, newest first (never the keys themselves)",
    responses=problem_responses(401, 403, 422),
)
async def list_keys(
    user: CurrentUser, session: SessionDep, params: PageParamsDep
) -> Page[ApiKeyOut]:
    """The caller's active API keys, newest first: names, prefixes, scopes and dates,
    never the keys themselves."""
    page = await api_keys.page(session, user, params)
    return Page[ApiKeyOut](
        items=[ApiKeyOut.of(k) for k in page.items], next_cursor=page.next_cursor
    )


@router.delete(
    "/{key_id}",
    status_code=204,
    summary="Revoke an API key",
    responses=problem_responses(401, 403, 404),
)
async def revoke_key(
    key_id: str, user: CurrentUser, context: ContextDep, session: SessionDep
) -> Response:
    """Revoke one of the caller's API keys; every gateway stops accepting it at once.
    Someone else's key is 404."""
    if not await api_keys.revoke(context, session, user, key_id):
        raise NotFound("No such API key.")
    return Response(status_code=204)
