"""Signing keys and /.well-known/jwks.json: keys made on first start, encrypted at
rest, rotated without logging anyone out."""

from __future__ import annotations

import asyncio

import jwt
import pytest

from agora_kit.auth import JWKSVerifier, JWTConfig
from agora_user.service.errors import SigningKeyUnavailable
from agora_user.service.secrets import SecretBox
from agora_user.service.signing import SigningKeys
from agora_user_testing import UserApi, bearer

JWKS = "/.well-known/jwks.json"


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


async def time_passes(api: UserApi, minutes: int) -> None:
    """Move the keys' times back rather than the clock forward: the JWT library checks
    exp and nbf against the real time, so a clock in the future would mint tokens that
    are not valid yet."""
    await api.query(
        "UPDATE signing_keys SET activates_at = activates_at - make_interval(mins => :m)",
        m=minutes,
    )
    api.context.keys.forget()


async def published(api: UserApi) -> list[str]:
    response = await api.client.get(JWKS)
    assert response.status_code == 200
    return [k["kid"] for k in response.json()["keys"]]


def other_keys(api: UserApi, secret: str) -> SigningKeys:
    """What another replica (or a process with another secret key) would hold."""
    keys = api.context.keys
    return SigningKeys(
        api.context.database,
        SecretBox(secret, "signing-keys"),
        api.context.clock,
        token_lifetime=keys.token_lifetime,
        publish_lead=keys.publish_lead,
        clock_skew=keys.clock_skew,
    )


async def test_the_jwks_publishes_the_public_half_only(api: UserApi) -> None:
    response = await api.client.get(JWKS)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    [key] = response.json()["keys"]
    assert key["kty"] == "OKP"
    assert key["crv"] == "Ed25519"
    assert key["alg"] == "EdDSA"
    assert key["use"] == "sig"
    assert key["kid"]
    assert "d" not in key
    [row] = await api.query("SELECT private_key FROM signing_keys")
    assert b"PRIVATE KEY" not in bytes(row["private_key"])


async def test_a_key_is_made_once_even_when_replicas_start_together(api: UserApi) -> None:
    await api.query("DELETE FROM signing_keys")
    replicas = [
        other_keys(api, api.context.settings.secret_key.get_secret_value()) for _ in range(5)
    ]
    await asyncio.gather(*(r.ensure_key() for r in replicas))
    assert len(await api.query("SELECT kid FROM signing_keys")) == 1


async def test_rotation_logs_nobody_out(api: UserApi) -> None:
    account = await api.signed_in()
    old_kid = kid(account.access_token)
    # Another service, which fetched the JWKS before the rotation and caches it for
    # five minutes; its clock moves with the user service's.
    elapsed = [0.0]
    verifier = JWKSVerifier(
        JWTConfig(jwks_url=f"http://user{JWKS}", issuer="agora", audience="agora"),
        http_client=api.client,
        clock=lambda: elapsed[0],
    )
    await verifier.verify(account.access_token)

    async with api.context.database.transaction() as session:
        new = await api.context.keys.rotate(session)
    # The new key is published at once but signs only after the lead time, so every
    # verifier has it before it meets a token it signed.
    assert set(await published(api)) == {old_kid, new.kid}
    await api.login(account)
    assert kid(account.access_token) == old_kid

    await time_passes(api, 11)
    elapsed[0] += 11 * 60
    old_token = account.access_token
    await api.login(account)
    assert kid(account.access_token) == new.kid
    # Tokens of the old key still pass, here and elsewhere.
    assert (await api.client.get("/api/v1/users/me", headers=bearer(old_token))).status_code == 200
    await verifier.verify(old_token)
    await verifier.verify(account.access_token)

    # Once every token the old key signed has expired, and the exp leeway and the
    # clock skew have passed too (ADR 0107), it leaves the JWKS.
    await time_passes(api, 20)
    assert await published(api) == [new.kid]
    assert (await api.client.get("/api/v1/users/me", headers=bearer(old_token))).status_code == 401


async def test_an_immediate_rotation_signs_at_once(api: UserApi) -> None:
    account = await api.signed_in()
    old_token = account.access_token
    async with api.context.database.transaction() as session:
        new = await api.context.keys.rotate(session, immediately=True)
    await api.login(account)
    assert kid(account.access_token) == new.kid
    assert (await api.client.get("/api/v1/users/me", headers=bearer(old_token))).status_code == 200


async def test_another_secret_key_cannot_use_the_private_keys(api: UserApi) -> None:
    stranger = other_keys(api, "another-secret-key-of-at-least-32-characters")
    with pytest.raises(SigningKeyUnavailable):
        await stranger.sign({"sub": "x"})
