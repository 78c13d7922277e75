"""Random tokens, their digests, and the at-rest encryption of secrets.

Every token handed to a client (refresh, verification, reset, MFA step, API key,
recovery code) carries at least 80 bits from ``secrets`` and is stored as its SHA-256
digest only: a slow hash adds nothing to a value that cannot be guessed, and a digest
lets the database find the row. Secrets the service must read back (TOTP seeds,
private signing keys) are encrypted with Fernet under a key derived from the service's
``secret_key`` with HKDF, one derived key per purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidToken", "SecretBox", "derive_key", "digest", "new_token"]


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(value: str) -> str:
    """SHA-256 of a token, hex. ``surrogatepass`` so no client string can make it fail."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def derive_key(secret_key: str, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"agora-user",
        info=purpose.encode(),
    ).derive(secret_key.encode())


class SecretBox:
    """Authenticated encryption of small secrets at rest (Fernet: AES-CBC + HMAC)."""

    def __init__(self, secret_key: str, purpose: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(derive_key(secret_key, purpose)))

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        """Raises :class:`InvalidToken` when the ciphertext is not ours (another secret key)."""
        return self._fernet.decrypt(ciphertext)


class Keyed:
    """HMAC-SHA256 under a derived key: a stable, non-reversible name for a value
    (an e-mail address or a client address in the login throttle)."""

    def __init__(self, secret_key: str, purpose: str) -> None:
        self._key = derive_key(secret_key, purpose)

    def __call__(self, value: str) -> str:
        return hmac.new(
            self._key, value.encode("utf-8", "surrogatepass"), hashlib.sha256
        ).hexdigest()
