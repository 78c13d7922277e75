"""The test-token helper services' tests share: what it signs, its verifier accepts."""

from __future__ import annotations

import uuid

import pytest

from agora_kit.auth import ROLE_ADMIN, ROLE_CUSTOMER
from agora_kit.errors import Unauthorized
from agora_kit.settings import CommonSettings
from agora_kit.testing.tokens import AUDIENCE, ISSUER, Keys


def test_issuer_and_audience_are_the_default_settings() -> None:
    fields = CommonSettings.model_fields
    assert fields["jwt_issuer"].default == ISSUER
    assert fields["jwt_audience"].default == AUDIENCE


async def test_its_verifier_accepts_its_tokens_and_headers() -> None:
    keys = Keys()
    verifier = keys.verifier()
    user_id = uuid.uuid4()

    principal = await verifier.verify(keys.token(user_id, (ROLE_ADMIN,), scope="orders:read"))
    assert principal.user_id == str(user_id)
    assert principal.roles == frozenset({ROLE_ADMIN})
    assert principal.scopes == frozenset({"orders:read"})

    bearer = keys.headers(user_id)["Authorization"].removeprefix("Bearer ")
    principal = await verifier.verify(bearer)
    assert principal.roles == frozenset({ROLE_CUSTOMER})
    assert principal.scopes is None


async def test_an_expired_token_and_another_keys_token_are_refused() -> None:
    keys = Keys()
    verifier = keys.verifier()
    with pytest.raises(Unauthorized):
        await verifier.verify(keys.token("someone", expires_in=-120))
    with pytest.raises(Unauthorized):
        await verifier.verify(Keys().token("someone"))
