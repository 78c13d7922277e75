"""``Idempotency-Key`` on refunds and confirmations: required, and a resent request is
answered with the first answer instead of moving money again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from agora_kit.auth import ROLE_ADMIN
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import running
from agora_kit.testing.events import outbox_events
from agora_kit.testing.tokens import Keys
from agora_payment.adapters.provider import ProviderRefund
from agora_payment.adapters.sandbox import SandboxProvider
from agora_payment.app import create_app
from agora_payment.settings import Settings
from agora_payment_testing import ledger_balances, requested_intent

REFUNDED = "agora.payment.payment.refunded.v1"
SUCCEEDED = "agora.payment.payment.succeeded.v1"
FAILED = "agora.payment.payment.failed.v1"
REQUIRED = "https://agora.dev/problems/idempotency-key-required"
REUSED = "https://agora.dev/problems/idempotency-key-reused"


async def paid(app: FastAPI, client: httpx.AsyncClient, keys: Keys, amount: int = 5000) -> str:
    buyer_id = uuid.uuid4()
    payment_id = (await requested_intent(app, buyer_id, amount))["payment_id"]
    confirmed = await client.post(
        f"/api/v1/payments/{payment_id}/confirm",
        json={"payment_method": "pm_card_visa"},
        headers={**keys.headers(buyer_id), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert confirmed.status_code == 200, confirmed.text
    return payment_id


async def test_a_resent_refund_refunds_once(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    payment_id = await paid(app, client, keys)
    url = f"/api/v1/admin/payments/{payment_id}/refund"
    keyed = {**admin, "Idempotency-Key": "refund-1"}

    first = await client.post(url, json={"amount": 1000}, headers=keyed)
    again = await client.post(url, json={"amount": 1000}, headers=keyed)
    assert first.status_code == again.status_code == 202, first.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(await outbox_events(app, REFUNDED)) == 1
    assert await ledger_balances(app) == {"provider_balance": 4000, "buyer_payments": -4000}

    other = await client.post(url, json={"amount": 2000}, headers=keyed)
    assert other.status_code == 422
    assert other.json()["type"] == REUSED
    second = await client.post(
        url, json={"amount": 1000}, headers={**admin, "Idempotency-Key": "refund-2"}
    )
    assert second.status_code == 202
    assert second.json()["total_refunded"]["amount"] == 2000


async def test_a_refund_without_a_key_is_400_and_refunds_nothing(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    payment_id = await paid(app, client, keys)
    missing = await client.post(
        f"/api/v1/admin/payments/{payment_id}/refund", json={}, headers=admin
    )
    assert missing.status_code == 400
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == REQUIRED
    assert missing.json()["errors"] == [{"name": "header.Idempotency-Key", "reason": "required"}]
    assert await outbox_events(app, REFUNDED) == []


async def test_a_failed_or_invalid_refund_leaves_its_key_free(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    payment_id = await paid(app, client, keys, amount=3000)
    url = f"/api/v1/admin/payments/{payment_id}/refund"
    keyed = {**admin, "Idempotency-Key": "too-much"}
    assert (await client.post(url, json={"amount": 3001}, headers=keyed)).status_code == 409
    # The 409 was not kept: the key is free again (for the same request).
    retry = await client.post(url, json={"amount": 3001}, headers=keyed)
    assert retry.status_code == 409
    assert "Idempotent-Replayed" not in retry.headers
    # Nor is an invalid request's: the key then serves the corrected one.
    keyed = {**admin, "Idempotency-Key": "typo"}
    assert (await client.post(url, json={"amount": -1}, headers=keyed)).status_code == 422
    fixed = await client.post(url, json={"amount": 1000}, headers=keyed)
    assert fixed.status_code == 202, fixed.text


async def test_confirm_needs_a_key_and_a_resent_confirm_gets_the_first_answer(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    headers = keys.headers(buyer_id)
    payment_id = (await requested_intent(app, buyer_id, 5000))["payment_id"]
    url = f"/api/v1/payments/{payment_id}/confirm"
    visa = {"payment_method": "pm_card_visa"}

    missing = await client.post(url, json=visa, headers=headers)
    assert missing.status_code == 400
    assert missing.json()["type"] == REQUIRED

    keyed = {**headers, "Idempotency-Key": "pay-1"}
    first = await client.post(url, json=visa, headers=keyed)
    # Key order and spacing do not make another request.
    again = await client.post(
        url,
        content=b'{ "payment_method" : "pm_card_visa" }',
        headers={**keyed, "Content-Type": "application/json"},
    )
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(await outbox_events(app, SUCCEEDED)) == 1
    other = await client.post(url, json={"payment_method": "pm_card_mastercard"}, headers=keyed)
    assert other.status_code == 422
    assert other.json()["type"] == REUSED


async def test_a_resent_declined_confirm_is_the_same_402(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    buyer_id = uuid.uuid4()
    payment_id = (await requested_intent(app, buyer_id, 5000))["payment_id"]
    keyed = {**keys.headers(buyer_id), "Idempotency-Key": "declined-1"}
    url = f"/api/v1/payments/{payment_id}/confirm"
    body = {"payment_method": "pm_card_chargeDeclined"}
    first = await client.post(url, json=body, headers=keyed)
    again = await client.post(url, json=body, headers=keyed)
    assert first.status_code == again.status_code == 402
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(await outbox_events(app, FAILED)) == 1


class CrashAfterRefund(SandboxProvider):
    """The provider refunds, then the payment service dies before committing (as
    SIGKILL between the provider's answer and the commit would)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.crash = True

    async def refund(self, intent_id: str, *, amount: int, idempotency_key: str) -> ProviderRefund:
        self.keys.append(idempotency_key)
        made = await super().refund(intent_id, amount=amount, idempotency_key=idempotency_key)
        if self.crash:
            self.crash = False
            raise RuntimeError("the process died after the provider refunded")
        return made


@pytest.fixture
async def crashing(
    settings: Settings, keys: Keys, transport: InProcessTransport
) -> AsyncIterator[tuple[FastAPI, CrashAfterRefund]]:
    provider = CrashAfterRefund()
    app = create_app(settings, transport=transport, provider=provider)
    async with running(app, keys) as application:
        yield application, provider


async def test_a_refund_retried_after_a_crash_asks_the_provider_with_the_same_key(
    crashing: tuple[FastAPI, CrashAfterRefund], keys: Keys, admin: dict[str, str]
) -> None:
    app, provider = crashing
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://payment.test",
    ) as client:
        payment_id = await paid(app, client, keys)
        url = f"/api/v1/admin/payments/{payment_id}/refund"
        keyed = {**admin, "Idempotency-Key": "crash-1"}
        assert (await client.post(url, json={}, headers=keyed)).status_code == 500
        retried = await client.post(url, json={}, headers=keyed)
        assert retried.status_code == 202, retried.text
    # The provider was asked twice with one key, so it refunded once.
    assert len(provider.keys) == 2
    assert provider.keys[0] == provider.keys[1]
    assert len(await outbox_events(app, REFUNDED)) == 1


async def test_an_api_key_cannot_refund_even_for_an_admin(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys
) -> None:
    """Refunds are a person's act: an admin's key-derived token, sent straight to the
    service past the gateway, is refused as the gateway refuses it, and nothing moves."""
    payment_id = await paid(app, client, keys)
    url = f"/api/v1/admin/payments/{payment_id}/refund"
    key_token = keys.headers(uuid.uuid4(), (ROLE_ADMIN,), scope="orders:read orders:write")
    refused = await client.post(
        url, json={"amount": 1000}, headers={**key_token, "Idempotency-Key": "by-key"}
    )
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert await outbox_events(app, REFUNDED) == []
