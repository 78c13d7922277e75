"""A payment method given at checkout (``PaymentRequested.payment_method``): the
intent is confirmed server-side right after it is created, as Stripe's
``confirm=true`` does, with the fraud rules of the confirm route; no other call."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from agora_contracts.common import Money
from agora_contracts.order import PaymentRequested
from agora_kit.events.inprocess import InProcessTransport
from agora_kit.testing.apps import running, service_settings
from agora_kit.testing.events import deliver, outbox_events
from agora_kit.testing.fixtures import Databases
from agora_kit.testing.tokens import Keys
from agora_payment.adapters.provider import Confirmation
from agora_payment.adapters.sandbox import SandboxProvider
from agora_payment.app import create_app
from agora_payment.settings import Settings
from agora_payment_testing import ledger_balances

INTENT = "agora.payment.payment.intent_created.v1"
SUCCEEDED = "agora.payment.payment.succeeded.v1"
FAILED = "agora.payment.payment.failed.v1"


def requested(
    method: str | None, amount: int = 5000, buyer_id: uuid.UUID | None = None
) -> PaymentRequested:
    return PaymentRequested(
        order_id=uuid.uuid4(),
        buyer_id=buyer_id or uuid.uuid4(),
        amount=Money(amount=amount, currency="USD"),
        payment_method=method,
    )


async def test_visa_at_checkout_is_charged_once_with_no_other_call(app: FastAPI) -> None:
    request = requested("pm_card_visa")
    await deliver(app, request, str(request.order_id))
    await deliver(app, request, str(request.order_id))  # a new delivery of the same request
    [intent] = await outbox_events(app, INTENT)
    [succeeded] = await outbox_events(app, SUCCEEDED)
    assert succeeded["data"]["payment_id"] == intent["data"]["payment_id"]
    assert succeeded["data"]["order_id"] == str(request.order_id)
    assert succeeded["data"]["amount"] == {"amount": 5000, "currency": "USD"}
    assert await ledger_balances(app) == {"provider_balance": 5000, "buyer_payments": -5000}


async def test_a_declined_card_at_checkout_fails_the_payment(app: FastAPI) -> None:
    request = requested("pm_card_chargeDeclined")
    await deliver(app, request, str(request.order_id))
    [failed] = await outbox_events(app, FAILED)
    assert failed["data"]["failure_code"] == "card_declined"
    assert failed["data"]["reason"] == "Your card was declined."
    assert await outbox_events(app, SUCCEEDED) == []
    assert await ledger_balances(app) == {}


async def test_without_a_method_the_intent_waits_for_the_buyer(app: FastAPI) -> None:
    request = requested(None)
    await deliver(app, request, str(request.order_id))
    assert len(await outbox_events(app, INTENT)) == 1
    assert await outbox_events(app, SUCCEEDED) == []
    assert await outbox_events(app, FAILED) == []


async def test_the_fraud_rules_apply_at_checkout_too(app: FastAPI) -> None:
    request = requested("pm_card_visa", amount=1_000_001)  # over fraud_max_amount
    await deliver(app, request, str(request.order_id))
    [failed] = await outbox_events(app, FAILED)
    assert failed["data"]["failure_code"] == "amount_too_large"
    assert await outbox_events(app, SUCCEEDED) == []


class CrashAfterCharge(SandboxProvider):
    """Charges, then the handler dies before committing (the process is killed
    between the provider's answer and the commit), once."""

    def __init__(self) -> None:
        self.confirm_keys: list[str] = []
        self.crash = True

    async def confirm(
        self, intent_id: str, *, payment_method: str, idempotency_key: str
    ) -> Confirmation:
        self.confirm_keys.append(idempotency_key)
        answer = await super().confirm(
            intent_id, payment_method=payment_method, idempotency_key=idempotency_key
        )
        if self.crash:
            self.crash = False
            raise RuntimeError("the process died after the provider charged")
        return answer


@pytest.fixture
async def crashing(
    databases: Databases, events_url: str, keys: Keys, transport: InProcessTransport
) -> AsyncIterator[tuple[FastAPI, CrashAfterCharge]]:
    url = await databases.migrated("agora_payment")
    provider = CrashAfterCharge()
    app = create_app(
        service_settings(Settings, url, events_url), transport=transport, provider=provider
    )
    async with running(app, keys) as application:
        yield application, provider


async def test_a_charge_retried_after_a_crash_uses_the_same_provider_key(
    crashing: tuple[FastAPI, CrashAfterCharge],
) -> None:
    app, provider = crashing
    request = requested("pm_card_visa")
    await deliver(app, request, str(request.order_id))
    # The consumer handled the event again after the crash: the provider was asked
    # twice with one idempotency key, so the card was charged once.
    assert len(provider.confirm_keys) == 2
    assert provider.confirm_keys[0] == provider.confirm_keys[1]
    assert len(await outbox_events(app, SUCCEEDED)) == 1
    assert len(await outbox_events(app, INTENT)) == 1
