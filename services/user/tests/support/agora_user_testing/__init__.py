"""Helpers for tests of the user service and of services that need signed-in users:
settings that hash fast, and a client that registers and signs in.

Test support, outside the service's package: never shipped (it needs httpx, which the
service itself does not)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import CursorResult

from agora_kit.testing.apps import service_settings
from agora_kit.testing.events import outbox_events
from agora_user.service.context import UserContext
from agora_user.settings import Settings

PASSWORD = "tranquil-otter-parade-42"
_serial = itertools.count(1)


def fast_settings(database_url: str, events_database_url: str, **overrides: Any) -> Settings:
    """The service's settings with Argon2 at its cheapest (RFC 9106's minimums), for
    tests only: the hashes are still Argon2id, a thousand of them take a second."""
    return service_settings(
        Settings,
        database_url,
        events_database_url,
        **{
            "outbox_poll_seconds": 0.1,
            "password_hash_time_cost": 1,
            "password_hash_memory_kib": 8,
            "password_hash_parallelism": 1,
            **overrides,
        },
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Account:
    id: str
    email: str
    password: str
    access_token: str = ""
    refresh_token: str = ""
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


class UserApi:
    """An httpx client on the user service app, with the steps tests repeat."""

    def __init__(self, client: httpx.AsyncClient, app: FastAPI) -> None:
        self.client = client
        self.app = app

    @property
    def context(self) -> UserContext:
        context: UserContext = self.app.state.context
        return context

    async def register(
        self, email: str | None = None, password: str = PASSWORD, full_name: str = "Ada Lovelace"
    ) -> Account:
        email = email or f"user{next(_serial)}@example.com"
        response = await self.client.post(
            "/api/v1/auth/register",
            json={"email": email, "password": password, "full_name": full_name},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return Account(id=body["id"], email=body["email"], password=password, body=body)

    async def login(self, account: Account) -> Account:
        response = await self.client.post(
            "/api/v1/auth/login", json={"email": account.email, "password": account.password}
        )
        assert response.status_code == 200, response.text
        tokens = response.json()
        account.access_token = tokens["access_token"]
        account.refresh_token = tokens["refresh_token"]
        return account

    async def signed_in(self, email: str | None = None, **kwargs: Any) -> Account:
        return await self.login(await self.register(email, **kwargs))

    async def api_key(self, account: Account, scopes: list[str], name: str = "x") -> dict[str, Any]:
        """A new API key of ``account`` (the created key's JSON, ``key`` included)."""
        response = await self.client.post(
            "/api/v1/users/me/api-keys",
            json={"name": name, "scopes": scopes},
            headers=account.headers,
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """CloudEvents in the outbox, oldest first, optionally of one type (a suffix
        such as ``registered.v1`` will do)."""
        events = await outbox_events(self.app)
        if event_type is None:
            return events
        return [e for e in events if e["type"].endswith(event_type)]

    def mail_token(self, event: dict[str, Any]) -> str:
        """The token a verification or reset event carries sealed, opened as the
        notification service opens it for the mail's link."""
        return self.context.sealer.open(event["data"]["sealed_token"])

    async def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        async with self.context.database.transaction() as session:
            result = await session.execute(text(sql), params)
            assert isinstance(result, CursorResult)
            return [dict(row) for row in result.mappings()] if result.returns_rows else []

    async def make_admin(self, account: Account) -> Account:
        await self.query(
            "UPDATE users SET roles = array_append(roles, 'admin') WHERE id = :id",
            id=account.id,
        )
        return await self.login(account)
