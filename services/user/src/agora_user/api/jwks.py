"""/.well-known/jwks.json: the public keys that verify access tokens (RFC 7517)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from agora_user.api.deps import ContextDep

router = APIRouter(tags=["auth"])


@router.get(
    "/.well-known/jwks.json",
    summary="Public signing keys: the current one, the next one and recent ones",
    response_class=JSONResponse,
)
async def jwks(context: ContextDep) -> JSONResponse:
    """The public keys that sign access tokens (JSON Web Key Set): the current one, the
    next one and recently retired ones, so tokens verify across a rotation."""
    body: dict[str, Any] = await context.keys.jwks()
    return JSONResponse(
        body,
        headers={"Cache-Control": f"public, max-age={context.settings.jwks_max_age_seconds}"},
    )
