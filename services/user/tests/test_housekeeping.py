"""The sweep forgets spent throttle windows, old tokens and long-ended sessions, and
nothing still in use."""

from __future__ import annotations

from datetime import timedelta

from agora_user.service.housekeeping import sweep
from agora_user_testing import UserApi


async def counts(api: UserApi) -> dict[str, int]:
    result = {}
    for table in ("login_throttle", "one_time_tokens", "sessions", "refresh_tokens"):
        [row] = await api.query(f"SELECT count(*) AS n FROM {table}")
        result[table] = row["n"]
    return result


async def test_the_sweep_forgets_what_is_no_longer_needed(api: UserApi) -> None:
    ended = await api.signed_in()
    await api.client.post("/api/v1/auth/logout", json={"refresh_token": ended.refresh_token})
    await api.client.post(
        "/api/v1/auth/login", json={"email": "ghost@example.com", "password": "x"}
    )
    assert await counts(api) == {
        "login_throttle": 2,  # the address and the client
        "one_time_tokens": 1,  # the verification mail
        "sessions": 1,
        "refresh_tokens": 1,
    }

    async with api.context.database.transaction() as session:
        nothing = await sweep(api.context, session)
    assert (nothing.throttle, nothing.tokens, nothing.sessions) == (0, 0, 0)

    api.context.clock.advance(timedelta(days=31))
    live = await api.signed_in()  # a session that is still in use
    async with api.context.database.transaction() as session:
        swept = await sweep(api.context, session)
    assert swept.throttle == 2
    assert swept.sessions == 1
    assert swept.tokens == 1
    after = await counts(api)
    assert after["sessions"] == 1
    assert after["refresh_tokens"] == 1
    refresh = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": live.refresh_token}
    )
    assert refresh.status_code == 200
