"""/users/me/phone: a number in E.164, verified by a 6-digit code texted through the
notification service (its event), kept as an HMAC, limited in tries, time and how
often one is texted; the verified number reaches the notification service by event,
and erasure clears it (ADR 0117)."""

from __future__ import annotations

import re
from datetime import timedelta

from agora_user.service.secrets import digest
from agora_user_testing import Account, UserApi

PHONE = "/api/v1/users/me/phone"
NUMBER = "+447911123456"


async def _code(api: UserApi) -> str:
    event = (await api.events("phone_verification_requested.v1"))[-1]
    code: str = api.context.sealer.open(event["data"]["sealed_code"])
    return code


async def _put(api: UserApi, account: Account, phone: str) -> dict[str, object]:
    response = await api.client.put(PHONE, json={"phone": phone}, headers=account.headers)
    assert response.status_code == 202, response.text
    body: dict[str, object] = response.json()
    return body


async def test_a_number_is_verified_with_the_texted_code(api: UserApi) -> None:
    account = await api.signed_in()
    for bad in ("07700 900123", "+1 555", "+44 7700 90012345678", "call me"):
        refused = await api.client.put(PHONE, json={"phone": bad}, headers=account.headers)
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["name"] == "body.phone"
    me = (await api.client.get("/api/v1/users/me", headers=account.headers)).json()
    assert (me["phone"], me["phone_verified"]) == (None, False)
    assert await api.events("phone_verification_requested.v1") == []

    body = await _put(api, account, "+44 7911 123-456")
    assert (body["phone"], body["phone_verified"]) == (NUMBER, False)
    [requested] = await api.events("phone_verification_requested.v1")
    assert requested["data"]["phone"] == NUMBER
    assert requested["data"]["full_name"] == "Ada Lovelace"
    code = await _code(api)
    assert re.fullmatch(r"\d{6}", code)
    # Stored as a keyed MAC: neither the code nor its plain digest is in the table.
    [row] = await api.query(
        "SELECT token_hash, phone FROM one_time_tokens WHERE purpose = 'verify_phone'"
    )
    assert row["phone"] == NUMBER
    assert code not in row["token_hash"]
    assert row["token_hash"] != digest(code)

    wrong = "000000" if code != "000000" else "111111"
    refused = await api.client.post(
        f"{PHONE}/verify", json={"code": wrong}, headers=account.headers
    )
    assert refused.status_code == 400
    assert refused.json()["type"].endswith("/invalid-phone-code")
    assert await api.events("phone_verified.v1") == []

    verified = await api.client.post(
        f"{PHONE}/verify", json={"code": code}, headers=account.headers
    )
    assert verified.status_code == 200, verified.text
    assert (verified.json()["phone"], verified.json()["phone_verified"]) == (NUMBER, True)
    [event] = await api.events("phone_verified.v1")
    assert event["data"]["phone"] == NUMBER
    # Used once.
    again = await api.client.post(f"{PHONE}/verify", json={"code": code}, headers=account.headers)
    assert again.status_code == 400

    # The verified number again: nothing to do, nothing texted.
    same = await api.client.put(PHONE, json={"phone": NUMBER}, headers=account.headers)
    assert same.status_code == 200
    assert same.json()["phone_verified"] is True
    assert len(await api.events("phone_verification_requested.v1")) == 1


async def test_codes_are_limited_in_tries_time_and_rate(api: UserApi) -> None:
    account = await api.signed_in()
    await _put(api, account, NUMBER)
    code = await _code(api)

    # One code a minute: 429 with the wait, and nothing changed.
    throttled = await api.client.put(PHONE, json={"phone": "+14155552671"}, headers=account.headers)
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    assert throttled.json()["type"].endswith("/phone-code-throttled")
    me = (await api.client.get("/api/v1/users/me", headers=account.headers)).json()
    assert me["phone"] == NUMBER

    # Five wrong tries spend the code: the right one no longer works.
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = await api.client.post(
            f"{PHONE}/verify", json={"code": wrong}, headers=account.headers
        )
        assert response.status_code == 400
    spent = await api.client.post(f"{PHONE}/verify", json={"code": code}, headers=account.headers)
    assert spent.status_code == 400

    # A new code for a new number; it expires after ten minutes.
    api.context.clock.advance(timedelta(seconds=61))
    body = await _put(api, account, "+14155552671")
    assert body["phone"] == "+14155552671"
    late = await _code(api)
    api.context.clock.advance(timedelta(minutes=11))
    expired = await api.client.post(f"{PHONE}/verify", json={"code": late}, headers=account.headers)
    assert expired.status_code == 400

    # Five codes a day at most.
    for _ in range(3):
        api.context.clock.advance(timedelta(seconds=61))
        await _put(api, account, NUMBER)
    api.context.clock.advance(timedelta(seconds=61))
    capped = await api.client.put(PHONE, json={"phone": NUMBER}, headers=account.headers)
    assert capped.status_code == 429


async def test_one_number_is_texted_a_few_codes_a_day_whichever_accounts_ask(
    api: UserApi,
) -> None:
    # Five accounts each ask once for the same victim's number: five texts, no more.
    for index in range(5):
        asker = await api.signed_in(f"asker{index}@example.com")
        await _put(api, asker, NUMBER)
    sixth = await api.signed_in("asker5@example.com")
    capped = await api.client.put(PHONE, json={"phone": NUMBER}, headers=sixth.headers)
    assert capped.status_code == 429, capped.text
    assert capped.json()["type"].endswith("/phone-code-throttled")
    assert capped.headers["RateLimit-Limit"] == "5"
    # Nothing changed: no sixth text, and the account did not take the number.
    assert len(await api.events("phone_verification_requested.v1")) == 5
    me = (await api.client.get("/api/v1/users/me", headers=sixth.headers)).json()
    assert me["phone"] is None
    # Another number is texted; the victim's is again a day later.
    other = await api.client.put(PHONE, json={"phone": "+14155552671"}, headers=sixth.headers)
    assert other.status_code == 202
    api.context.clock.advance(timedelta(days=1, seconds=1))
    body = await _put(api, sixth, NUMBER)
    assert body["phone"] == NUMBER


async def test_erasure_clears_the_number(api: UserApi) -> None:
    account = await api.signed_in()
    await _put(api, account, NUMBER)
    await api.client.post(
        f"{PHONE}/verify", json={"code": await _code(api)}, headers=account.headers
    )
    export = (await api.client.get("/api/v1/users/me/export", headers=account.headers)).json()
    assert export["profile"]["phone"] == NUMBER
    assert export["profile"]["phone_verified_at"] is not None

    assert (await api.client.delete("/api/v1/users/me", headers=account.headers)).status_code == 204
    [row] = await api.query(
        "SELECT phone, phone_verified_at FROM users WHERE id = :id", id=account.id
    )
    assert row == {"phone": None, "phone_verified_at": None}
    assert await api.query("SELECT * FROM one_time_tokens WHERE user_id = :id", id=account.id) == []
