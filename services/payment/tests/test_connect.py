"""Stripe Connect onboarding on the sandbox provider (ADR 0104): a store's one connected
account and fresh onboarding links, its KYC status from ``account.updated`` (the
sandbox's onboarding link, or Stripe's signed webhook), published, and payouts held
until the account may be paid, then paid exactly once."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agora_contracts.catalog import VendorApproved
from agora_kit.testing.apps import running
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.tokens import Keys
from agora_payment.adapters.sandbox import SandboxProvider, account_updated
from agora_payment.app import create_app
from agora_payment.settings import Settings
from agora_payment.tasks import release_due
from agora_payment_testing import ledger_balances, overpaid

from .test_payouts import CREATED, Order, told
from .test_webhooks import HOOK, signed

CONNECT = "/api/v1/vendors/me/connect"
UPDATED = "agora.payment.connect_account.updated.v1"
PROBLEM = "application/problem+json"


async def store(app: FastAPI, keys: Keys) -> tuple[uuid.UUID, dict[str, str]]:
    """A new approved store and its owner's headers."""
    shop, owner = uuid.uuid4(), uuid.uuid4()
    await deliver(app, VendorApproved(vendor_id=shop, owner_id=owner, name="A shop"), str(shop))
    return shop, keys.headers(owner, ("vendor",))


async def onboarded(client: httpx.AsyncClient, owner: dict[str, str]) -> dict[str, Any]:
    answer = await client.post(CONNECT, headers=owner)
    assert answer.status_code in (200, 201), answer.text
    body: dict[str, Any] = answer.json()
    return body


async def kyc_told(app: FastAPI, shop: uuid.UUID) -> list[str]:
    return [
        e["data"]["kyc_status"]
        for e in await outbox_events(app, UPDATED)
        if e["data"]["vendor_id"] == str(shop)
    ]


def account_event(account_id: str, outcome: Any, *, created: int | None = None) -> dict[str, Any]:
    event = account_updated(account_id, outcome)
    event["id"] = "evt_" + uuid.uuid4().hex
    if created is not None:
        event["created"] = created
    return event


async def test_a_store_gets_one_account_and_the_sandbox_link_verifies_it(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    shop, owner = await store(app, keys)
    assert (await client.get(CONNECT, headers=owner)).status_code == 404

    first = await client.post(CONNECT, headers=owner)
    assert first.status_code == 201, first.text
    made = first.json()
    assert made["vendor_id"] == str(shop)
    assert made["account_id"].startswith("acct_")
    assert (made["kyc_status"], made["payouts_held"], made["charges_enabled"]) == (
        "pending",
        True,
        False,
    )
    assert made["requirements_due"]
    assert made["onboarding_url"].startswith(
        "http://127.0.0.1:8000/api/v1/vendors/me/connect/sandbox?account=acct_"
    )
    again = await client.post(CONNECT, headers=owner)
    assert again.status_code == 200
    assert again.json()["account_id"] == made["account_id"]  # one account per store
    assert await kyc_told(app, shop) == ["pending"]
    [audited] = await outbox_events(app, "agora.audit.entry.recorded.v1")
    assert (audited["data"]["action"], audited["data"]["resource_id"]) == (
        "connect_account.create",
        str(shop),
    )

    done = await client.post(f"{CONNECT}/sandbox", json={"outcome": "verified"}, headers=owner)
    assert done.status_code == 200, done.text
    status = (await client.get(CONNECT, headers=owner)).json()
    assert (status["kyc_status"], status["payouts_held"], status["requirements_due"]) == (
        "verified",
        False,
        [],
    )
    assert await kyc_told(app, shop) == ["pending", "verified"]
    seen = await client.get(f"/api/v1/admin/connect-accounts/{shop}", headers=admin)
    assert seen.status_code == 200
    assert seen.json() == status


async def test_account_updated_is_applied_once_in_order_and_unknown_accounts_ignored(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, settings: Settings
) -> None:
    shop, owner = await store(app, keys)
    account_id = (await onboarded(client, owner))["account_id"]
    now = int(time.time())

    rejected = account_event(account_id, "rejected", created=now)
    for _ in range(2):  # Stripe sends it again: applied once
        answer = await client.post(HOOK, **signed(settings, rejected))
        assert answer.status_code == 200, answer.text
    status = (await client.get(CONNECT, headers=owner)).json()
    assert (status["kyc_status"], status["disabled_reason"]) == ("rejected", "rejected.other")
    assert await kyc_told(app, shop) == ["pending", "rejected"]

    older = account_event(account_id, "verified", created=now - 60)  # arrives late
    assert (await client.post(HOOK, **signed(settings, older))).status_code == 200
    assert (await client.get(CONNECT, headers=owner)).json()["kyc_status"] == "rejected"

    stranger = account_event("acct_not_a_store_of_ours", "verified")
    assert (await client.post(HOOK, **signed(settings, stranger))).status_code == 200
    forged = signed(settings, account_event(account_id, "verified"))
    forged["headers"]["Stripe-Signature"] = "t=1,v1=" + "0" * 64
    refused = await client.post(HOOK, **forged)
    assert refused.status_code == 400
    assert refused.headers["content-type"] == PROBLEM
    assert (await client.get(CONNECT, headers=owner)).json()["kyc_status"] == "rejected"
    assert await kyc_told(app, shop) == ["pending", "rejected"]


async def test_payouts_are_held_until_the_account_may_be_paid_then_paid_once(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, settings: Settings
) -> None:
    shop, owner = await store(app, keys)
    delivered, shipped = Order(app, client, keys), Order(app, client, keys)
    await delivered.pay(1499, {shop: 1000}, onboarded=False)
    await shipped.pay(2499, {shop: 2000}, onboarded=False)
    shipped_at = datetime.now(UTC)
    await delivered.ship(shop, at=shipped_at)
    await delivered.delivered(shop)  # delivered: due now, but no account
    await shipped.ship(shop, at=shipped_at)
    await release_due(app.state.context, shipped_at + timedelta(days=8))  # hold over
    assert (await delivered.payouts())[shop][0] == "held"
    assert (await shipped.payouts())[shop][0] == "held"

    account_id = (await onboarded(client, owner))["account_id"]
    pending = account_event(account_id, "pending")
    assert (await client.post(HOOK, **signed(settings, pending))).status_code == 200
    assert await told(app, CREATED) == []

    verified = account_event(account_id, "verified")
    assert (await client.post(HOOK, **signed(settings, verified))).status_code == 200
    # The delivered one is due, so paid now; the other's hold runs 7 days from shipment.
    assert (await delivered.payouts())[shop] == ("paid", 1000, 100, 900, 0)
    assert (await shipped.payouts())[shop][0] == "held"
    assert await told(app, CREATED) == [(str(shop), 900)]

    again = account_event(account_id, "verified")  # a new event of the same state
    assert (await client.post(HOOK, **signed(settings, again))).status_code == 200
    await release_due(app.state.context, datetime.now(UTC))
    assert await told(app, CREATED) == [(str(shop), 900)]

    await release_due(app.state.context, shipped_at + timedelta(days=8))
    assert await told(app, CREATED) == sorted([(str(shop), 900), (str(shop), 1800)])
    transfers = [e["data"]["transfer_id"] for e in await outbox_events(app, CREATED)]
    assert len(set(transfers)) == 2
    assert (await ledger_balances(app))["vendor_payouts"] == 900 + 1800
    assert await overpaid(app) == {}


class CrashAfterTransfer(SandboxProvider):
    """The provider pays, then the process dies before the payout is marked paid (the
    first time only); every transfer's idempotency key is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    async def transfer(
        self, *, destination: str, amount: int, currency: str, idempotency_key: str
    ) -> str:
        self.keys.append(idempotency_key)
        made = await super().transfer(
            destination=destination,
            amount=amount,
            currency=currency,
            idempotency_key=idempotency_key,
        )
        if len(self.keys) == 1:
            raise ConnectionResetError("gone after the transfer")
        return made


async def test_a_crash_between_the_transfer_and_its_record_pays_once(
    settings: Settings, keys: Keys, transport: Any
) -> None:
    provider = CrashAfterTransfer()
    async with (
        running(create_app(settings, transport=transport, provider=provider), keys) as app,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://payment.test",
        ) as client,
    ):
        shop, owner = await store(app, keys)
        order = Order(app, client, keys)
        await order.pay(1499, {shop: 1000}, onboarded=False)
        await order.ship(shop)
        await order.delivered(shop)
        account_id = (await onboarded(client, owner))["account_id"]
        verified = signed(settings, account_event(account_id, "verified"))

        crashed = await client.post(HOOK, **verified)
        # A connection lost to a backing service is a 503 (ADR 0111); Stripe sends the
        # event again.
        assert crashed.status_code == 503
        assert (await order.payouts())[shop][0] == "held"
        assert (await client.get(CONNECT, headers=owner)).json()["kyc_status"] == "pending"

        resent = await client.post(HOOK, **verified)
        assert resent.status_code == 200, resent.text
        assert (await order.payouts())[shop][0] == "paid"
        assert len(provider.keys) == 2
        assert len(set(provider.keys)) == 1  # the same key: the provider pays once
        assert await told(app, CREATED) == [(str(shop), 900)]


async def test_only_a_store_owner_onboards_and_reads_its_own(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str]
) -> None:
    shop, owner = await store(app, keys)
    other_shop, other_owner = await store(app, keys)
    mine = await onboarded(client, owner)

    assert (await client.get(CONNECT, headers=other_owner)).status_code == 404  # not mine
    theirs = await onboarded(client, other_owner)
    assert (theirs["vendor_id"], theirs["account_id"] != mine["account_id"]) == (
        str(other_shop),
        True,
    )
    buyer = keys.headers(uuid.uuid4(), ("customer",))
    storeless = keys.headers(uuid.uuid4(), ("vendor",))
    for headers in (buyer, storeless):
        for answer in (
            await client.post(CONNECT, headers=headers),
            await client.get(CONNECT, headers=headers),
            await client.post(f"{CONNECT}/sandbox", json={"outcome": "verified"}, headers=headers),
        ):
            assert answer.status_code == 403
            assert answer.headers["content-type"] == PROBLEM
    assert (
        await client.get(f"/api/v1/admin/connect-accounts/{shop}", headers=owner)
    ).status_code == 403
    assert (await client.post(CONNECT)).status_code == 401


@pytest.mark.parametrize(
    "body", [{"outcome": "approved"}, {}, {"outcome": "verified", "extra": 1}, []]
)
async def test_bad_input_is_a_problem_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, keys: Keys, admin: dict[str, str], body: Any
) -> None:
    shop, owner = await store(app, keys)
    await onboarded(client, owner)
    answer = await client.post(f"{CONNECT}/sandbox", json=body, headers=owner)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["status"] == 422
    assert (await client.get(CONNECT, headers=owner)).json()["kyc_status"] == "pending"
    assert await kyc_told(app, shop) == ["pending"]

    bad_id = await client.get("/api/v1/admin/connect-accounts/not-a-uuid", headers=admin)
    assert (bad_id.status_code, bad_id.headers["content-type"]) == (422, PROBLEM)
    unknown = await client.get(f"/api/v1/admin/connect-accounts/{uuid.uuid4()}", headers=admin)
    assert (unknown.status_code, unknown.headers["content-type"]) == (404, PROBLEM)
