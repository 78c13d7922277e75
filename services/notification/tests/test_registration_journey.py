"""The whole way from a sign-up to a verified address: the real user app and the
notification app share one in-process event transport on real PostgreSQL, the mail goes
to a real SMTP server, and the link in it verifies the address."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from asgi_lifespan import LifespanManager

from agora_kit.auth import JWKSVerifier, JWTConfig
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.waiting import eventually
from agora_notification.app import create_app as create_notification_app
from agora_notification_testing import (
    Mailbox,
    html_part,
    quick_settings,
    text_part,
)
from agora_tools.pytest_plugin import SmtpServer
from agora_user.app import create_app as create_user_app
from agora_user_testing import PASSWORD, fast_settings


@pytest.fixture
async def user_url(databases: Databases) -> str:
    return await databases.migrated("agora_user")


class Fleet:
    def __init__(self, user: httpx.AsyncClient, notification: httpx.AsyncClient) -> None:
        self.user = user
        self.notification = notification


@pytest.fixture
async def fleet(
    user_url: str,
    notification_url: str,
    events_url: str,
    smtp_server: SmtpServer,
    transport: InProcessTransport,
) -> AsyncIterator[Fleet]:
    user_app = create_user_app(fast_settings(user_url, events_url), transport=transport)
    notification_app = create_notification_app(
        quick_settings(notification_url, events_url, smtp=(smtp_server.host, smtp_server.port)),
        transport=transport,
    )
    async with (
        LifespanManager(user_app),
        LifespanManager(notification_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=user_app), base_url="http://user.test"
        ) as user,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=notification_app), base_url="http://notif.test"
        ) as notification,
    ):
        # The notification service verifies the user service's own tokens, fetching
        # its JWKS from it, as in the fleet.
        notification_app.state.jwks_verifier = JWKSVerifier(
            JWTConfig(
                jwks_url="http://user.test/.well-known/jwks.json", issuer="agora", audience="agora"
            ),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=user_app)),
        )
        yield Fleet(user, notification)


async def test_registering_mails_a_verification_link_that_verifies_the_address(
    fleet: Fleet, mailbox: Mailbox
) -> None:
    address = f"grace-{id(fleet)}@example.com"
    registered = await fleet.user.post(
        "/api/v1/auth/register",
        json={"email": address, "password": PASSWORD, "full_name": "Grace <b>Hopper</b>"},
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["email_verified"] is False

    [mail] = await mailbox.wait(address)
    assert mail["Subject"] == "Confirm your e-mail address for Agora"
    assert mail["To"] == f'"Grace <b>Hopper</b>" <{address}>'
    # Security mail has no unsubscribe: it cannot be switched off.
    assert mail["List-Unsubscribe"] is None
    text = text_part(mail)
    assert text.startswith("Hi Grace <b>Hopper</b>,")
    assert "Hi Grace &lt;b&gt;Hopper&lt;/b&gt;," in html_part(mail)
    [link] = re.findall(r"http://shop\.test/verify-email\?\S+", text)
    [token] = parse_qs(urlparse(link).query)["token"]

    verified = await fleet.user.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 204, verified.text

    login = await fleet.user.post(
        "/api/v1/auth/login", json={"email": address, "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = await fleet.user.get("/api/v1/users/me", headers=headers)
    assert me.json()["email_verified"] is True

    # The same access token reads the feed: a welcome and the verification notice,
    # without the link (a feed must not hold a token that takes over the account).
    async def feed() -> list[dict[str, str]]:
        answer = await fleet.notification.get("/api/v1/notifications", headers=headers)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, str]] = answer.json()["items"]
        return items

    items = await eventually(feed, lambda found: len(found) == 2)
    assert sorted(item["kind"] for item in items) == ["verify_email", "welcome"]
    assert all(token not in str(item) for item in items)
