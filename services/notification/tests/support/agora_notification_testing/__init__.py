"""Helpers for tests of the notification service: events delivered through the real
consumer, mail read back from an SMTP sink's Maildir, and waiting for what happens in
the background. Test support, outside the service's package: never shipped. Signed
tokens come from :mod:`agora_kit.testing.tokens`."""

from __future__ import annotations

import email
import email.message
import email.policy
import mailbox
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import CursorResult

from agora_contracts.catalog import ProductPublished, VendorApplied
from agora_contracts.common import Money
from agora_contracts.events import EventPayload
from agora_contracts.order import OrderConfirmed, OrderLine, ShippingAddress
from agora_contracts.user import PhoneVerified, UserRegistered
from agora_kit.db import Database
from agora_kit.serving import SERVICE_TOKEN_HEADER
from agora_kit.testing.apps import service_settings
from agora_kit.testing.events import deliver
from agora_kit.testing.tokens import Keys
from agora_kit.testing.waiting import eventually
from agora_notification.service.context import NotificationContext
from agora_notification.settings import Settings


class Mailbox:
    """Mail an SMTP sink kept in a Maildir (``agora_tools``' sink), by recipient."""

    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir
        self._seen: dict[str, email.message.EmailMessage] = {}

    def _scan(self) -> None:
        box = mailbox.Maildir(self.maildir, factory=None, create=True)
        for key in box.iterkeys():
            if key not in self._seen:
                parsed = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
                assert isinstance(parsed, email.message.EmailMessage)
                self._seen[key] = parsed

    def to(self, address: str) -> list[email.message.EmailMessage]:
        self._scan()
        found = [
            m
            for m in self._seen.values()
            if address.lower() in str(m.get("X-Agora-Rcpt-To", "")).lower()
        ]
        return sorted(found, key=lambda m: str(m.get("Date", "")))

    async def wait(
        self, address: str, count: int = 1, *, within: float = 15.0
    ) -> list[email.message.EmailMessage]:
        async def probe() -> list[email.message.EmailMessage]:
            return self.to(address)

        return await eventually(probe, lambda found: len(found) >= count, within=within)


def text_part(mail: email.message.EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert isinstance(body, email.message.EmailMessage)
    return str(body.get_content())


def html_part(mail: email.message.EmailMessage) -> str:
    body = mail.get_body(("html",))
    assert isinstance(body, email.message.EmailMessage)
    return str(body.get_content())


@dataclass
class Person:
    id: uuid.UUID
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Notifications:
    """The notification app under test, driven as the fleet would: events through its
    consumer, people through its API."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, keys: Keys) -> None:
        self.app = app
        self.client = client
        self.keys = keys

    @property
    def database(self) -> Database:
        database: Database = self.app.state.database
        return database

    def seal(self, token: str) -> str:
        """A token sealed as the user service seals it into its mail events."""
        context: NotificationContext = self.app.state.context
        return context.sealer.seal(token)

    async def deliver(
        self,
        payload: EventPayload,
        *,
        event_id: str | None = None,
        key: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Hand an event to the service's consumer (inbox, retries and all); its id."""
        the_key = key or str(uuid.uuid4())
        event = await deliver(self.app, payload, the_key, event_id=event_id, extra=extra)
        return event.id

    async def person(
        self,
        *,
        locale: str | None = None,
        full_name: str = "Ada Lovelace",
        phone: str | None = None,
        roles: Sequence[str] = ("customer",),
    ) -> Person:
        """A registered user the service has heard of (no mail is sent for it), with
        ``phone`` as their verified number when given, signed up with ``roles``."""
        user_id = uuid.uuid4()
        address = f"ada-{user_id.hex[:12]}@example.com"
        await self.deliver(
            UserRegistered(
                user_id=user_id,
                email=address,
                full_name=full_name,
                roles=list(roles),
                locale=locale,
                email_verified=False,
                registered_at=datetime.now(UTC),
            ),
            key=str(user_id),
        )
        if phone:
            await self.deliver(
                PhoneVerified(user_id=user_id, phone=phone, verified_at=datetime.now(UTC)),
                key=str(user_id),
            )
        return Person(user_id, address, self.keys.token(user_id, roles))

    async def store(self, name: str = "Ada's Teas") -> tuple[Person, uuid.UUID]:
        """A store the service has heard of (``vendor.applied``): its owner and id."""
        owner = await self.person(full_name="Grace Hopper")
        vendor_id = uuid.uuid4()
        await self.deliver(
            VendorApplied(vendor_id=vendor_id, owner_id=owner.id, name=name), key=str(vendor_id)
        )
        return owner, vendor_id

    async def product(
        self, vendor_id: uuid.UUID, title: str = "Earl Grey, loose leaf"
    ) -> uuid.UUID:
        """A published product of the store ``vendor_id``."""
        product_id = uuid.uuid4()
        await self.deliver(
            ProductPublished(
                product_id=product_id,
                vendor_id=vendor_id,
                category_id=uuid.uuid4(),
                title=title,
                variants=[],
            ),
            key=str(product_id),
        )
        return product_id

    async def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        async with self.database.transaction() as session:
            result = await session.execute(text(sql), params)
            assert isinstance(result, CursorResult)
            return [dict(row) for row in result.mappings()] if result.returns_rows else []

    async def deliveries(self, user_id: uuid.UUID, kind: str | None = None) -> list[dict[str, Any]]:
        rows = await self.query(
            "SELECT d.*, n.kind FROM deliveries d JOIN notifications n ON n.id = d.notification_id "
            "WHERE d.user_id = :user_id ORDER BY d.created_at",
            user_id=user_id,
        )
        return [r for r in rows if kind is None or r["kind"] == kind]

    async def feed(self, person: Person, **params: Any) -> dict[str, Any]:
        answer = await self.client.get(
            "/api/v1/notifications", headers=person.headers, params=params
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def export(self, person: Person) -> dict[str, Any]:
        """What the service hands over for the person's GDPR export (ADR 0112)."""
        answer = await self.client.get(
            f"/internal/users/{person.id}/export",
            headers={SERVICE_TOKEN_HEADER: self.app.state.service_token.decode()},
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


FRONTEND = "http://shop.test"
# Webhooks to the tests' own receivers on loopback, retried within a second.
QUICK_WEBHOOKS: dict[str, Any] = {
    "webhook_allow_private_addresses": True,
    "webhook_retry_base_seconds": 0.05,
    "webhook_retry_max_seconds": 0.2,
    "webhook_poll_seconds": 0.05,
    "webhook_timeout_seconds": 2.0,
}
PUBLIC_API = "http://api.test"


def quick_settings(
    database_url: str,
    events_url: str,
    *,
    smtp: tuple[str, int] | None = None,
    **overrides: Any,
) -> Settings:
    """Settings for tests: quick retries and polls, links to recognisable hosts."""
    if smtp is not None:
        overrides = {"smtp_host": smtp[0], "smtp_port": smtp[1], **overrides}
    return service_settings(
        Settings,
        database_url,
        events_url,
        frontend_url=FRONTEND,
        public_api_url=PUBLIC_API,
        delivery_retry_base_seconds=0.05,
        delivery_poll_seconds=0.05,
        event_retry_base_seconds=0.02,
        **{**QUICK_WEBHOOKS, **overrides},
    )


def confirmed(person: Person, order_id: uuid.UUID | None = None) -> OrderConfirmed:
    """A paid order of two lines in euros: 33.99 - 3.00 + 4.95 shipping = 35.94."""

    def eur(amount: int) -> Money:
        return Money(amount=amount, currency="EUR")

    return OrderConfirmed(
        order_id=order_id or uuid.uuid4(),
        buyer_id=person.id,
        order_number="AG-1042",
        lines=[
            OrderLine(
                sku="MUG-BLUE",
                quantity=2,
                title="Blue enamel mug",
                unit_price=eur(1250),
                line_total=eur(2500),
            ),
            OrderLine(
                sku="TEA-EARL",
                quantity=1,
                title="Earl Grey",
                unit_price=eur(899),
                line_total=eur(899),
            ),
        ],
        subtotal=eur(3399),
        shipping=eur(495),
        discount=eur(300),
        tax=eur(0),
        total=eur(3594),
        shipping_address=ShippingAddress(name="Ada Lovelace", line1="12 St James's Square"),
        confirmed_at=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
    )
