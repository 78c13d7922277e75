"""Helpers for the order service's tests: signed tokens the app accepts, catalog
events that stock the read model, event delivery as the transport would, and the
outbox as a test reads it. Only tests import this module."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from sqlalchemy import select

from agora_contracts.catalog import Money, ProductPublished, VariantSnapshot
from agora_contracts.events import EventPayload
from agora_kit.auth import ROLE_CUSTOMER, JWKSVerifier, JWTConfig
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.events.tables import outbox
from agora_kit.settings import CommonSettings
from agora_order.settings import Settings

ISSUER = "agora"
AUDIENCE = "agora"
JWKS_URL = "http://user.test/.well-known/jwks.json"
ADDRESS: dict[str, Any] = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


def order_settings(database_url: str, events_database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "outbox_poll_seconds": 0.05,
        "event_retry_base_seconds": 0.05,
        "common": CommonSettings(events_database_url=events_database_url),
    }
    values.update(overrides)
    return Settings(**values)


class Keys:
    """The user service's signing key, as far as these tests need it."""

    def __init__(self) -> None:
        self.key = ed25519.Ed25519PrivateKey.generate()
        self.kid = f"test-{uuid.uuid4().hex[:8]}"

    def jwks(self) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def verifier(self) -> JWKSVerifier:
        client = httpx.AsyncClient(
            transport=httpx.MockTransport(lambda _: httpx.Response(200, json=self.jwks()))
        )
        return JWKSVerifier(JWTConfig(jwks_url=JWKS_URL, issuer=ISSUER, audience=AUDIENCE), client)

    def headers(
        self,
        user_id: uuid.UUID,
        roles: Sequence[str] = (ROLE_CUSTOMER,),
        *,
        scope: str | None = None,
    ) -> dict[str, str]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": str(user_id),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 300,
            "roles": list(roles),
        }
        if scope is not None:
            claims["scope"] = scope
        token = jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})
        return {"Authorization": f"Bearer {token}"}


def product(
    skus: Sequence[tuple[str, int, int]],
    *,
    vendor_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    title: str = "A product",
    currency: str = "USD",
) -> ProductPublished:
    """A published product whose variants are (sku, price in minor units, available)."""
    return ProductPublished(
        product_id=product_id or uuid.uuid4(),
        vendor_id=vendor_id or uuid.uuid4(),
        category_id=uuid.uuid4(),
        title=title,
        variants=[
            VariantSnapshot(sku=sku, price=Money(amount=price, currency=currency), available=n)
            for sku, price, n in skus
        ],
    )


async def deliver(
    app: FastAPI, payload: EventPayload, key: str, *, at: datetime | None = None
) -> CloudEvent:
    """Hand an event to the service's consumer as the transport would (inbox and all)."""
    event = CloudEvent(
        source="/agora/test",
        type=payload.event_type,
        subject=key,
        time=at or datetime.now(UTC),
        data=payload.model_dump(mode="json"),
    )
    await redeliver(app, payload, key, event)
    return event


async def redeliver(app: FastAPI, payload: EventPayload, key: str, event: CloudEvent) -> None:
    """Deliver the very same event again (what an at-least-once transport does)."""
    await app.state.runtime.consumer.handle(to_message(payload.topic, key, event))


async def outbox_events(app: FastAPI, event_type: str | None = None) -> list[dict[str, Any]]:
    """The CloudEvents the service wrote to its outbox, oldest first."""
    stmt = select(outbox.c.event).order_by(outbox.c.id)
    if event_type is not None:
        stmt = stmt.where(outbox.c.event_type == event_type)
    async with app.state.database.transaction() as session:
        return [dict(row) for row in (await session.scalars(stmt)).all()]
