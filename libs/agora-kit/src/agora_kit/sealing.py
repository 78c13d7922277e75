"""Sealing single-use tokens for the way from one service to another.

A reset or verification token travels from the user service to the notification
service in an event, which sits in the outbox, the event log and Kafka for days. It
travels sealed (Fernet: AES-CBC + HMAC) under ``AGORA_MAIL_TOKEN_KEY``, which only the
two services hold, so a copy of those rows or topics holds no usable token.

The key is rotated without losing the tokens in flight: a sealer seals under its key
and opens under it or any of its previous keys (``AGORA_MAIL_TOKEN_PREVIOUS_KEYS``),
so the notification service takes the new key with the old one as previous first, the
user service the new key next, and the old one goes once the events sealed under it
are handled.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "Sealer"]


def _fernet(key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"agora-mail-token", info=b"seal"
    ).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


class Sealer:
    def __init__(self, key: str, previous: Iterable[str] = ()) -> None:
        """Seals under ``key``; opens what ``key`` or one of ``previous`` sealed."""
        self._fernet = MultiFernet([_fernet(key), *(_fernet(old) for old in previous)])

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """Raises :class:`InvalidToken` when it was sealed under a key this sealer does
        not hold, or altered."""
        return self._fernet.decrypt(sealed.encode("ascii")).decode()
