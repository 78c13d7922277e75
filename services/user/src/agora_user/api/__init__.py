"""The user service's HTTP API: the public routes under /api/v1 (routed by the
gateway), the JWKS, and /internal (never routed by the gateway)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from agora_kit.app import API_PREFIX
from agora_user.api import admin, api_keys, audit, auth, internal, jwks, mfa, users
from agora_user.api.deps import credentials_guard

public = APIRouter(prefix=API_PREFIX, dependencies=[Depends(credentials_guard)])
for module in (auth, users, mfa, api_keys, admin, audit):
    public.include_router(module.router)

router = APIRouter()
for part in (public, jwks.router, internal.router):
    router.include_router(part)
