"""Access tokens the user service refuses on its own routes: every forgery and every
stale or misdirected token is a 401 problem, while a genuine token passes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agora_user_testing import UserApi, bearer

ME = "/api/v1/users/me"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def handmade(header: dict[str, Any], claims: dict[str, Any], sign: Any = None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = sign(signing_input.encode()) if sign else b""
    return f"{signing_input}.{b64(signature)}"


async def genuine(api: UserApi) -> tuple[str, dict[str, Any], str]:
    """A real token of a signed-in user: the token, its claims and its kid."""
    account = await api.signed_in()
    claims = jwt.decode(account.access_token, options={"verify_signature": False})
    return account.access_token, claims, jwt.get_unverified_header(account.access_token)["kid"]


async def assert_refused(api: UserApi, token: str) -> None:
    response = await api.client.get(ME, headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_genuine_token_passes(api: UserApi) -> None:
    token, claims, _ = await genuine(api)
    response = await api.client.get(ME, headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["id"] == claims["sub"]


async def test_alg_none_is_refused(api: UserApi) -> None:
    _, claims, kid = await genuine(api)
    await assert_refused(api, handmade({"alg": "none", "typ": "JWT", "kid": kid}, claims))
    await assert_refused(api, handmade({"alg": "none"}, claims) + "")


async def test_hs256_signed_with_the_public_key_is_refused(api: UserApi) -> None:
    _, claims, kid = await genuine(api)
    jwks = (await api.client.get("/.well-known/jwks.json")).json()
    [jwk] = [k for k in jwks["keys"] if k["kid"] == kid]
    raw_public = base64.urlsafe_b64decode(jwk["x"] + "==")
    pem = jwt.PyJWK.from_dict(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for secret in (raw_public, pem, json.dumps(jwk).encode(), jwk["x"].encode()):
        token = handmade(
            {"alg": "HS256", "typ": "JWT", "kid": kid},
            claims,
            lambda data, s=secret: hmac.new(s, data, hashlib.sha256).digest(),
        )
        await assert_refused(api, token)


async def test_an_unknown_kid_is_refused(api: UserApi) -> None:
    _, claims, _ = await genuine(api)
    stranger = Ed25519PrivateKey.generate()
    token = jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": uuid.uuid4().hex})
    await assert_refused(api, token)


async def test_a_forged_signature_under_a_real_kid_is_refused(api: UserApi) -> None:
    token, claims, kid = await genuine(api)
    stranger = Ed25519PrivateKey.generate()
    await assert_refused(api, jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": kid}))
    head, _, signature = token.split(".")
    elevated = b64(json.dumps({**claims, "roles": ["admin"]}).encode())
    await assert_refused(api, f"{head}.{elevated}.{signature}")


async def test_an_expired_token_is_refused(api: UserApi) -> None:
    _, claims, _ = await genuine(api)
    now = int(time.time())
    token = await api.context.keys.sign(
        {**claims, "iat": now - 3600, "nbf": now - 3600, "exp": now - 120}
    )
    response = await api.client.get(ME, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == "token expired"


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "another-audience"},
        {"iss": "https://evil.example"},
        {"nbf": int(time.time()) + 3600},
        {"sub": None},
        {"exp": None},
        {"roles": "admin"},
    ],
)
async def test_tokens_for_someone_else_or_malformed_are_refused(
    api: UserApi, change: dict[str, Any]
) -> None:
    _, claims, _ = await genuine(api)
    forged = {k: v for k, v in {**claims, **change}.items() if v is not None}
    await assert_refused(api, await api.context.keys.sign(forged))


async def test_garbage_and_wrong_schemes_are_refused(api: UserApi) -> None:
    for header in ("Bearer", "Bearer not.a.jwt", "Bearer " + "a" * 5000, "Basic YTpi"):
        response = await api.client.get(ME, headers={"Authorization": header})
        assert response.status_code == 401, header
    assert (await api.client.get(ME)).status_code == 401
