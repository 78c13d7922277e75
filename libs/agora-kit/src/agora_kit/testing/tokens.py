"""Access tokens for services' tests, signed as the user service signs them (EdDSA, with
a kid), and a real verifier that fetches their JWKS from an in-memory endpoint.

``ISSUER`` and ``AUDIENCE`` are the defaults of :class:`agora_kit.settings.CommonSettings`,
so these tokens are the ones a service's default settings accept."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwt.algorithms import OKPAlgorithm

from agora_kit.auth import ROLE_CUSTOMER, JWKSVerifier, JWTConfig

ISSUER = "agora"
AUDIENCE = "agora"
JWKS_URL = "http://user.test/.well-known/jwks.json"


class Keys:
    """The user service's signing key, as far as a service's tests need it."""

    def __init__(self) -> None:
        self.key = ed25519.Ed25519PrivateKey.generate()
        self.kid = f"test-{uuid.uuid4().hex[:8]}"

    def jwks(self) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def verifier(self) -> JWKSVerifier:
        """A real verifier, fetching this key's JWKS from an in-memory endpoint."""
        client = httpx.AsyncClient(
            transport=httpx.MockTransport(lambda _: httpx.Response(200, json=self.jwks()))
        )
        return JWKSVerifier(JWTConfig(jwks_url=JWKS_URL, issuer=ISSUER, audience=AUDIENCE), client)

    def token(
        self,
        user_id: uuid.UUID | str,
        roles: Sequence[str] = (ROLE_CUSTOMER,),
        *,
        scope: str | None = None,
        expires_in: int = 300,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": str(user_id),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + expires_in,
            "roles": list(roles),
        }
        if scope is not None:
            claims["scope"] = scope
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(
        self,
        user_id: uuid.UUID | str,
        roles: Sequence[str] = (ROLE_CUSTOMER,),
        *,
        scope: str | None = None,
    ) -> dict[str, str]:
        """The Authorization header of :meth:`token`."""
        return {"Authorization": f"Bearer {self.token(user_id, roles, scope=scope)}"}
