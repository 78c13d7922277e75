"""Clock skew between the user service (the issuer) and a service that verifies its
tokens (ADR 0107): the verifying process's clock is really shifted (time-machine moves
``time.time`` and ``datetime.now`` of the whole process) by 2 minutes either way, and
the tokens are the user service's own, signed before the shift."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine

from agora_kit.auth import DEFAULT_CLOCK_SKEW_SECONDS, JWKSVerifier, JWTConfig
from agora_kit.errors import Unauthorized
from agora_user_testing import UserApi

JWKS = "http://user/.well-known/jwks.json"
SKEW = 120  # seconds: the skew the system must take (issue: ±2 minutes)


@contextmanager
def clock_shifted(seconds: float) -> Iterator[None]:
    """This process's wall clock ``seconds`` ahead (behind when negative), ticking."""
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)
    with time_machine.travel(moment, tick=True):
        yield


def verifier(api: UserApi, clock_skew_seconds: int = DEFAULT_CLOCK_SKEW_SECONDS) -> JWKSVerifier:
    return JWKSVerifier(
        JWTConfig(
            jwks_url=JWKS,
            issuer="agora",
            audience="agora",
            clock_skew_seconds=clock_skew_seconds,
        ),
        http_client=api.client,
    )


@pytest.mark.parametrize("shift", [-SKEW, SKEW])
async def test_a_fresh_token_passes_a_service_two_minutes_off(api: UserApi, shift: int) -> None:
    account = await api.signed_in()
    with clock_shifted(shift):
        principal = await verifier(api).verify(account.access_token)
    assert principal.user_id == account.id


async def test_the_old_leeway_refused_a_service_two_minutes_behind(api: UserApi) -> None:
    """The defect this fixed: 30 s for iat/nbf, and a service 2 minutes behind the
    issuer refused every token in its first 90 s."""
    account = await api.signed_in()
    with clock_shifted(-SKEW), pytest.raises(Unauthorized, match="not yet valid"):
        await verifier(api, clock_skew_seconds=30).verify(account.access_token)


async def test_beyond_the_skew_a_token_is_not_valid_yet(api: UserApi) -> None:
    account = await api.signed_in()
    with clock_shifted(-DEFAULT_CLOCK_SKEW_SECONDS - 30), pytest.raises(Unauthorized) as refused:
        await verifier(api).verify(account.access_token)
    assert "not yet valid" in str(refused.value.detail)


async def test_exp_stays_nearly_strict_whatever_the_skew(api: UserApi) -> None:
    """A token is taken until 30 s after its exp on the verifier's clock, not 3 min: a
    service 2 minutes ahead of the issuer cuts the token's last 90 s (the client
    refreshes on 401 "token expired"), one behind takes it 2 minutes longer."""
    account = await api.signed_in()
    lifetime = api.context.settings.access_token_ttl_seconds
    check = verifier(api)
    await check.verify(account.access_token)  # the keys, fetched at the right time
    with clock_shifted(lifetime + 20):
        await check.verify(account.access_token)
    with clock_shifted(lifetime + 40), pytest.raises(Unauthorized) as refused:
        await check.verify(account.access_token)
    assert "expired" in str(refused.value.detail)
    # Two minutes ahead: 90 s before its exp by the issuer's clock, already refused.
    with clock_shifted(lifetime - 90 + SKEW), pytest.raises(Unauthorized):
        await check.verify(account.access_token)


async def test_signing_keys_outlive_their_tokens_by_the_skew(api: UserApi) -> None:
    """A retired key stays published for the tokens' lifetime, the exp leeway and the
    skew: a verifier behind the issuer still takes its last tokens."""
    keys = api.context.keys
    assert keys.retention == keys.token_lifetime + datetime.timedelta(
        seconds=30 + DEFAULT_CLOCK_SKEW_SECONDS
    )
