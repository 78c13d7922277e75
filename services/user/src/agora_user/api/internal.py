"""/internal: for other parts of the backend only. The gateway routes no /internal
path, so the outside never reaches these; a caller must also present the service
credential (``X-Agora-Service-Token``, ADR 0055), and in a cluster a network policy
keeps them to the gateway (docs/services/user.md)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.serving import require_service_token
from agora_user.api.deps import ContextDep
from agora_user.api.schemas import TokenExchangeIn, TokenExchangeOut
from agora_user.service import api_keys

router = APIRouter(
    prefix="/internal", tags=["internal"], dependencies=[Depends(require_service_token)]
)


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
