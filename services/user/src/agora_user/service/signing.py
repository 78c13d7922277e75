"""The keys that sign access tokens, and the JWKS that publishes their public halves.

Keys live in the database (private halves encrypted), so every replica and the CLI
share them. The newest key whose ``activates_at`` has passed signs. Rotation adds a
key that activates ``signing_key_publish_lead_seconds`` later: it is in the JWKS, and
so in every verifier's cache, before the first token it signs reaches one. A key that
a newer one superseded stays published until the last token it signed has expired, so
rotating logs nobody out. Then it is deleted.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.auth import EXP_LEEWAY_SECONDS
from agora_kit.db import Database
from agora_user.models import SigningKey
from agora_user.repository import signing_keys as key_repo
from agora_user.service.clock import Clock
from agora_user.service.errors import SigningKeyUnavailable
from agora_user.service.secrets import InvalidToken, SecretBox

logger = logging.getLogger("agora.user.signing")

ALGORITHM = "EdDSA"
# Tokens are verified up to this long after their exp (ADR 0107).
_EXP_LEEWAY = timedelta(seconds=EXP_LEEWAY_SECONDS)


@dataclass(frozen=True)
class KeyInfo:
    kid: str
    public_jwk: dict[str, Any]
    activates_at: datetime


def _generate(activates_at: datetime, box: SecretBox) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    kid = uuid.uuid4().hex
    jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.update(kid=kid, alg=ALGORITHM, use="sig")
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(
        kid=kid,
        algorithm=ALGORITHM,
        public_jwk=jwk,
        private_key=box.encrypt(pem),
        activates_at=activates_at,
    )


def _active(keys: list[KeyInfo], now: datetime) -> KeyInfo | None:
    live = [k for k in keys if k.activates_at <= now]
    return max(live, key=lambda k: k.activates_at) if live else None


def _published(keys: list[KeyInfo], now: datetime, retention: timedelta) -> list[KeyInfo]:
    """Keys still needed: the active one, the ones waiting to activate, and the ones
    superseded less than ``retention`` ago."""
    ordered = sorted(keys, key=lambda k: k.activates_at)
    kept = []
    for i, key in enumerate(ordered):
        successor = next((k for k in ordered[i + 1 :] if k.activates_at > key.activates_at), None)
        superseded_at = successor.activates_at if successor is not None else None
        if superseded_at is None or superseded_at > now or now - superseded_at < retention:
            kept.append(key)
    return kept


class SigningKeys:
    """Reads the keys with a short cache; signs; publishes; rotates."""

    def __init__(
        self,
        database: Database,
        box: SecretBox,
        clock: Clock,
        *,
        token_lifetime: timedelta,
        publish_lead: timedelta,
        clock_skew: timedelta,
        cache_seconds: float = 30.0,
        reload_interval_seconds: float = 1.0,
    ) -> None:
        self._database = database
        self._box = box
        self._clock = clock
        self.publish_lead = publish_lead
        self.token_lifetime = token_lifetime
        self.clock_skew = clock_skew
        # How long after being superseded a key must still verify what it signed: a
        # verifier whose clock is ``clock_skew`` behind ours takes a token until
        # its exp + the leeway on its own clock (ADR 0107).
        self.retention = token_lifetime + _EXP_LEEWAY + clock_skew
        self._cache_seconds = cache_seconds
        self._reload_interval = reload_interval_seconds
        self._keys: list[KeyInfo] | None = None
        self._loaded_at = -math.inf
        self._private: dict[str, Ed25519PrivateKey] = {}
        self._lock = asyncio.Lock()

    # Reading ----------------------------------------------------------------------

    async def _load(self) -> list[KeyInfo]:
        async with self._database.transaction() as session:
            rows = await key_repo.all_keys(session)
        self._keys = [KeyInfo(r.kid, dict(r.public_jwk), r.activates_at) for r in rows]
        self._loaded_at = time.monotonic()
        return self._keys

    async def keys(self, *, fresh: bool = False) -> list[KeyInfo]:
        """The keys, cached; ``fresh`` reloads them, at most once per reload interval
        (a flood of tokens with made-up kids must not become a flood of queries)."""
        age = time.monotonic() - self._loaded_at
        if self._keys is not None and age < (
            self._reload_interval if fresh else self._cache_seconds
        ):
            return self._keys
        async with self._lock:
            age = time.monotonic() - self._loaded_at
            if self._keys is not None and age < self._reload_interval:
                return self._keys
            return await self._load()

    def forget(self) -> None:
        """Drop the cached keys, so the next use reads them again (after a change made
        by another process)."""
        self._keys = None

    async def ensure_key(self) -> None:
        """Generate the first key when there is none (first start)."""
        if _active(await self.keys(), self._clock()) is not None:
            return
        async with self._database.transaction() as session:
            await key_repo.lock(session)
            existing = await key_repo.all_keys(session)
            if not any(k.activates_at <= self._clock() for k in existing):
                key = _generate(self._clock(), self._box)
                session.add(key)
                logger.info("generated the first signing key %s", key.kid)
        async with self._lock:
            await self._load()

    async def jwks(self) -> dict[str, Any]:
        await self.ensure_key()
        now = self._clock()
        return {"keys": [k.public_jwk for k in _published(await self.keys(), now, self.retention)]}

    async def verification_key(self, kid: str) -> dict[str, Any] | None:
        """The public JWK ``kid`` while it is published, reloading the keys (at most
        once a second) when it is unknown."""
        keys = await self.keys()
        if not any(k.kid == kid for k in keys):
            keys = await self.keys(fresh=True)
        for key in _published(keys, self._clock(), self.retention):
            if key.kid == kid:
                return key.public_jwk
        return None

    # Signing ----------------------------------------------------------------------

    async def sign(self, claims: dict[str, Any]) -> str:
        await self.ensure_key()
        active = _active(await self.keys(), self._clock())
        if active is None:  # pragma: no cover - ensure_key just made one
            raise SigningKeyUnavailable()
        private = self._private.get(active.kid)
        if private is None:
            private = await self._private_key(active.kid)
        return jwt.encode(claims, private, algorithm=ALGORITHM, headers={"kid": active.kid})

    async def _private_key(self, kid: str) -> Ed25519PrivateKey:
        async with self._database.transaction() as session:
            row = await key_repo.get(session, kid)
        if row is None:
            raise SigningKeyUnavailable("The signing key vanished; retry.")
        try:
            pem = self._box.decrypt(row.private_key)
        except InvalidToken:
            logger.error(
                "cannot decrypt signing key %s: the secret key changed; run "
                "`agora user rotate-keys --now` to make a new one",
                kid,
            )
            raise SigningKeyUnavailable() from None
        key = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(key, Ed25519PrivateKey)
        self._private[kid] = key
        return key

    # Rotating ---------------------------------------------------------------------

    async def rotate(self, session: AsyncSession, *, immediately: bool = False) -> SigningKey:
        """Add a key that signs from ``publish_lead`` on (at once with ``immediately``,
        which an emergency needs but which risks refusals by verifiers whose cached
        JWKS lacks it), and delete keys no token can need any more."""
        await key_repo.lock(session)
        now = self._clock()
        existing = await key_repo.all_keys(session)
        infos = [KeyInfo(k.kid, k.public_jwk, k.activates_at) for k in existing]
        keep = {k.kid for k in _published(infos, now, self.retention)}
        stale = [k.kid for k in existing if k.kid not in keep]
        if stale:
            await key_repo.delete_keys(session, stale)
        key = _generate(now if immediately else now + self.publish_lead, self._box)
        session.add(key)
        await session.flush()
        self.forget()
        return key
