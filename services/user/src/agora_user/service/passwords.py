"""Password hashing (Argon2id through pwdlib) and the password policy.

Hashing is CPU- and memory-bound: it runs in a worker thread (argon2-cffi releases the
GIL), so one login does not stall every other request sharing the event loop, which in
all-in-one mode is the whole fleet's.
"""

from __future__ import annotations

import asyncio
import functools
import unicodedata
from collections.abc import Iterable

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from agora_user.service.errors import WeakPassword
from agora_user.settings import Settings

# Hashed once per process with the same parameters as real hashes: verifying against
# it makes a login for an unknown e-mail cost what a wrong password costs.
_DUMMY_PASSWORD = "agora-dummy-password-for-timing"  # noqa: S105 - not a credential


def normalise(password: str) -> str:
    """NFKC, as NIST SP 800-63B advises, so the same password typed on two keyboards
    that compose characters differently is the same password."""
    return unicodedata.normalize("NFKC", password)


class Passwords:
    def __init__(self, settings: Settings) -> None:
        self.min_length = settings.password_min_length
        self.max_length = settings.password_max_length
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.password_hash_time_cost,
                    memory_cost=settings.password_hash_memory_kib,
                    parallelism=settings.password_hash_parallelism,
                ),
            )
        )
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hash.hash, normalise(password))

    async def verify(self, password: str, password_hash: str | None) -> tuple[bool, str | None]:
        """Whether ``password`` matches, and a new hash when the stored one used older
        parameters. With no hash (unknown user) a dummy is verified, in the same time."""
        if password_hash is None:
            if self._dummy is None:
                self._dummy = await asyncio.to_thread(self._hash.hash, _DUMMY_PASSWORD)
            await asyncio.to_thread(self._hash.verify, normalise(password), self._dummy)
            return False, None
        return await asyncio.to_thread(
            self._hash.verify_and_update, normalise(password), password_hash
        )

    def check_policy(
        self,
        password: str,
        *,
        user_inputs: Iterable[str | None] = (),
        field: str = "body.password",
    ) -> None:
        """Raise :class:`WeakPassword` unless ``password`` is long enough, not too long,
        not one of the most common passwords and not the user's own e-mail or name."""
        normalised = normalise(password)
        if len(normalised) < self.min_length:
            raise WeakPassword(
                f"The password must have at least {self.min_length} characters.", field=field
            )
        if len(normalised) > self.max_length:
            raise WeakPassword(
                f"The password must have at most {self.max_length} characters.", field=field
            )
        if len(set(normalised)) < 3:
            raise WeakPassword("The password repeats too few different characters.", field=field)
        folded = normalised.casefold()
        if folded in common_passwords() or folded.strip(" 0123456789!.?") in common_passwords():
            raise WeakPassword(
                "This password is among the most common ones; choose another.", field=field
            )
        for given in user_inputs:
            if not given:
                continue
            value = normalise(given).casefold()
            local = value.split("@", 1)[0]
            if folded in (value, local) or (len(local) >= 4 and local in folded):
                raise WeakPassword(
                    "The password must not contain your e-mail address or name.", field=field
                )


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's list (leaked-password corpora)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

    return frozenset(FREQUENCY_LISTS["passwords"])
