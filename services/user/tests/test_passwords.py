"""The password policy and the hashes, without a database."""

from __future__ import annotations

import pytest

from agora_user.service.errors import WeakPassword
from agora_user.service.passwords import Passwords, common_passwords
from agora_user_testing import fast_settings

passwords = Passwords(
    fast_settings("postgresql+asyncpg://unused/x", "postgresql+asyncpg://unused/y")
)


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "123456789",  # short and common
        "password123",
        "Password123!",
        "qwertyuiop",
        "iloveyou12",
        "aaaaaaaaaaaaaaaa",
        "ababababababab",
        "x" * 129,
    ],
)
def test_short_common_and_monotonous_passwords_are_rejected(password: str) -> None:
    with pytest.raises(WeakPassword) as raised:
        passwords.check_policy(password)
    assert raised.value.errors
    assert raised.value.errors[0].name == "body.password"


@pytest.mark.parametrize(
    "password",
    [
        "tranquil-otter-parade-42",
        "correct horse battery staple",
        "Zuckerwatte✨Gänse",
        "x" * 60 + "yz",
    ],
)
def test_long_uncommon_passwords_pass(password: str) -> None:
    passwords.check_policy(password)


def test_the_users_own_address_or_name_is_rejected() -> None:
    for password in ("ada.lovelace@example.com", "ada.lovelace2024", "Ada Lovelace"):
        with pytest.raises(WeakPassword):
            passwords.check_policy(
                password, user_inputs=("ada.lovelace@example.com", "Ada Lovelace")
            )


def test_the_blocklist_is_large() -> None:
    assert len(common_passwords()) >= 30_000
    assert "password" in common_passwords()


async def test_hashes_are_argon2id_salted_and_verify_after_normalisation() -> None:
    first = await passwords.hash("ﬁsh-and-chips-forever")  # "ﬁ" is one ligature character
    second = await passwords.hash("ﬁsh-and-chips-forever")
    assert first.startswith("$argon2id$")
    assert first != second
    assert (await passwords.verify("fish-and-chips-forever", first))[0]
    assert not (await passwords.verify("fish-and-chips-forevers", first))[0]
    assert (await passwords.verify("anything", None)) == (False, None)
