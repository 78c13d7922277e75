"""The user service's HTTP API: the public routes under /api/v1 (routed by the
gateway), the JWKS, and /internal (never routed by the gateway)."""

from __future__ import annotations

from fastapi import Depends

from agora_kit.app import API_PREFIX
from agora_kit.routes import api
from agora_user.api import admin, api_keys, audit, auth, internal, jwks, mfa, phone, users
from agora_user.api.deps import credentials_guard

public = api(
    *(m.router for m in (auth, users, phone, mfa, api_keys, admin, audit)),
    prefix=API_PREFIX,
    dependencies=[Depends(credentials_guard)],
)
router = api(public, jwks.router, internal.router)
