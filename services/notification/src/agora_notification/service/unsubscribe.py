"""Signed one-click unsubscribe tokens.

A token names a user, a category and a channel, and when it was issued; it is
``base64url(payload).base64url(HMAC-SHA256(key, payload))`` with a key derived from
the service's secret key. Nothing is stored: a token cannot be forged or altered
without the key, and the link in a mail keeps working for ``max_age`` days.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass

from agora_notification.domain import CATEGORIES, CHANNELS, LOCKED, Category, Channel

_VERSION = "u1"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class InvalidToken(ValueError):
    pass


@dataclass(frozen=True)
class Unsubscription:
    user_id: uuid.UUID
    category: Category
    channel: Channel
    issued_at: int


class UnsubscribeTokens:
    def __init__(self, secret: str, *, max_age_days: int = 365) -> None:
        # A key of its own, so no other use of the secret key can produce a valid token.
        self._key = hmac.new(
            secret.encode(), b"agora-notification-unsubscribe", hashlib.sha256
        ).digest()
        self.max_age_seconds = max_age_days * 86400

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    def issue(
        self, user_id: uuid.UUID, category: Category, channel: Channel, *, now: float | None = None
    ) -> str:
        if (category, channel) in LOCKED:
            raise ValueError(f"{category} {channel} cannot be unsubscribed from")
        issued = int(now if now is not None else time.time())
        payload = f"{_VERSION}:{user_id.hex}:{category}:{channel}:{issued}".encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, token: str, *, now: float | None = None) -> Unsubscription:
        try:
            encoded, signature = token.split(".")
            payload = _unb64(encoded)
            mac = _unb64(signature)
        except (ValueError, TypeError) as exc:  # binascii.Error is a ValueError
            raise InvalidToken("malformed token") from exc
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise InvalidToken("bad signature")
        try:
            version, user_hex, category, channel, issued = payload.decode().split(":")
            user_id = uuid.UUID(hex=user_hex)
            issued_at = int(issued)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidToken("malformed token") from exc
        if version != _VERSION or category not in CATEGORIES or channel not in CHANNELS:
            raise InvalidToken("malformed token")
        current = now if now is not None else time.time()
        if current - issued_at > self.max_age_seconds:
            raise InvalidToken("expired")
        if (category, channel) in LOCKED:
            raise InvalidToken("this category cannot be unsubscribed from")
        return Unsubscription(user_id, category, channel, issued_at)
