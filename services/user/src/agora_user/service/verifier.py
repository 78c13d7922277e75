"""The user service verifies its own access tokens against the keys in its database,
not over HTTP against its own JWKS (which would make it call itself, and fail before
it is listening).

It reuses ``agora_kit.auth.JWKSVerifier`` whole (algorithm allow-list, the key deciding
the algorithm, required claims, leeway, the filter of usable JWKs) and replaces only
where keys come from: the verifier's ``_signing_key`` hook.
"""

from __future__ import annotations

import httpx
import jwt

from agora_kit.auth import JWKSVerifier, JWTConfig
from agora_kit.errors import Unauthorized
from agora_kit.settings import CommonSettings
from agora_user.service.signing import SigningKeys


def _invalid() -> Unauthorized:
    return Unauthorized(
        "invalid token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


class DatabaseKeysVerifier(JWKSVerifier):
    def __init__(self, common: CommonSettings, keys: SigningKeys) -> None:
        # Keys never come over HTTP here; the base class wants a client all the same.
        self._unused_client = httpx.AsyncClient()
        super().__init__(
            JWTConfig(
                jwks_url=common.jwks_url,
                issuer=common.jwt_issuer,
                audience=common.jwt_audience,
                clock_skew_seconds=common.jwt_clock_skew_seconds,
            ),
            http_client=self._unused_client,
        )
        self._database_keys = keys

    async def aclose(self) -> None:
        await self._unused_client.aclose()

    async def _signing_key(self, kid: str) -> jwt.PyJWK:
        jwk = await self._database_keys.verification_key(kid)
        if jwk is None:
            raise _invalid()
        try:
            usable = self._usable_keys(jwt.PyJWKSet.from_dict({"keys": [jwk]}))
        except jwt.PyJWTError:
            raise _invalid() from None
        key = usable.get(kid)
        if key is None:
            raise _invalid()
        return key
