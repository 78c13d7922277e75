"""/internal: for other parts of the backend only. The gateway routes no /internal
path, so the outside never reaches these; a caller must also present the service
credential (``X-Agora-Service-Token``, ADR 0055), and in a cluster a network policy
keeps them to the gateway (docs/services/user.md)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.serving import require_service_token
from agora_user.api.deps import ContextDep
from agora_user.service import api_keys

router = APIRouter(
    prefix="/internal", tags=["internal"], dependencies=[Depends(require_service_token)]
)


class TokenExchangeIn(BaseModel):
    api_key: str = Field(min_length=1, max_length=256, description="The X-API-Key a client sent")


class TokenExchangeOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int = Field(description="Seconds; cache the token no longer than this")
    scope: str = Field(description="Space-separated scopes the token carries")
    user_id: str
    api_key_id: str


@router.post(
    "/token-exchange",
    response_model=TokenExchangeOut,
    summary="Turn a valid API key into a short-lived JWT carrying its scopes",
    responses=problem_responses(401, 403, 422),
)
async def token_exchange(
    body: TokenExchangeIn, context: ContextDep, session: SessionDep
) -> TokenExchangeOut:
    token, key = await api_keys.exchange(context, session, body.api_key)
    return TokenExchangeOut(
        access_token=token.token,
        expires_in=token.expires_in,
        scope=" ".join(sorted(key.scopes)),
        user_id=str(key.user_id),
        api_key_id=str(key.id),
    )
