"""Sealing single-use tokens for the way from one service to another.

A reset or verification token travels from the user service to the notification
service in an event, which sits in the outbox, the event log and Kafka for days. It
travels sealed (Fernet: AES-CBC + HMAC) under ``AGORA_MAIL_TOKEN_KEY``, which only the
two services hold, so a copy of those rows or topics holds no usable token.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "Sealer"]


class Sealer:
    def __init__(self, key: str) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=b"agora-mail-token", info=b"seal"
        ).derive(key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """Raises :class:`InvalidToken` when it was sealed under another key or altered."""
        return self._fernet.decrypt(sealed.encode("ascii")).decode()
