"""One suite for every payment provider: the sandbox (embedded), Stripe against
stripe-mock (every request's shape checked against Stripe's OpenAPI document) and
Stripe against localstripe (behaviour: declines, refunds); Connect accounts, their
onboarding links and ``account.updated`` on the sandbox and stripe-mock."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import stripe

from agora_payment.adapters.provider import ConnectedAccount, PaymentProvider
from agora_payment.adapters.sandbox import SandboxProvider
from agora_payment.adapters.stripe import StripeProvider
from agora_payment.service.webhooks import verify
from agora_tools.pytest_plugin import StripeMockServer


def _build(request: pytest.FixtureRequest, name: str) -> PaymentProvider:
    if name == "sandbox":
        return SandboxProvider()
    server = request.getfixturevalue(
        "stripe_mock_server" if name == "stripe-mock" else "localstripe_server"
    )
    return StripeProvider(server.api_key, api_base=server.url)


@pytest.fixture(params=["sandbox", "stripe-mock", "localstripe"])
def provider(request: pytest.FixtureRequest) -> PaymentProvider:
    """Every provider: the requests it makes must be ones Stripe accepts."""
    return _build(request, request.param)


@pytest.fixture(params=["sandbox", "localstripe"])
def behaving(request: pytest.FixtureRequest) -> PaymentProvider:
    """Providers with state, whose answers can be held to Stripe's test-mode behaviour
    (stripe-mock answers canned fixtures whatever is asked)."""
    return _build(request, request.param)


@pytest.fixture(params=["sandbox", "stripe-mock"])
def transferring(request: pytest.FixtureRequest) -> PaymentProvider:
    """Providers that know Connect transfers (localstripe does not)."""
    return _build(request, request.param)


def key() -> str:
    return uuid.uuid4().hex


async def test_intent_has_an_id_and_a_client_secret(provider: PaymentProvider) -> None:
    intent = await provider.create_intent(
        amount=2599, currency="USD", idempotency_key=key(), metadata={"order_id": "o1"}
    )
    assert intent.id.startswith("pi_")
    assert intent.client_secret
    assert intent.status == "requires_payment_method"


async def test_same_idempotency_key_same_intent() -> None:
    # Stripe keeps idempotency keys 24 hours; neither fake does (stripe-mock answers
    # fixtures, localstripe ignores the header), so only the sandbox is held to it here.
    provider = SandboxProvider()
    once = key()
    first = await provider.create_intent(
        amount=100, currency="USD", idempotency_key=once, metadata={}
    )
    again = await provider.create_intent(
        amount=100, currency="USD", idempotency_key=once, metadata={}
    )
    assert again.id == first.id


async def test_confirm_and_refund_requests_are_accepted(provider: PaymentProvider) -> None:
    intent = await provider.create_intent(
        amount=5000, currency="USD", idempotency_key=key(), metadata={}
    )
    confirmed = await provider.confirm(
        intent.id, payment_method="pm_card_visa", idempotency_key=key()
    )
    assert confirmed.status in ("succeeded", "requires_action", "processing", "failed")
    if confirmed.status == "succeeded":
        refund = await provider.refund(intent.id, amount=1500, idempotency_key=key())
        assert refund.id


async def test_visa_succeeds_and_refunds_in_parts(behaving: PaymentProvider) -> None:
    intent = await behaving.create_intent(
        amount=5000, currency="USD", idempotency_key=key(), metadata={}
    )
    confirmed = await behaving.confirm(
        intent.id, payment_method="pm_card_visa", idempotency_key=key()
    )
    assert confirmed.status == "succeeded"
    first = await behaving.refund(intent.id, amount=1500, idempotency_key=key())
    second = await behaving.refund(intent.id, amount=3500, idempotency_key=key())
    assert first.id != second.id


async def test_declined_card_fails_with_card_declined(behaving: PaymentProvider) -> None:
    intent = await behaving.create_intent(
        amount=5000, currency="USD", idempotency_key=key(), metadata={}
    )
    declined = await behaving.confirm(
        intent.id, payment_method="pm_card_chargeCustomerFail", idempotency_key=key()
    )
    assert declined.status == "failed"
    assert declined.failure_code in ("card_declined", "generic_decline")
    assert declined.failure_message == "Your card was declined."


async def test_transfer_to_a_connected_account(transferring: PaymentProvider) -> None:
    transfer = await transferring.transfer(
        destination="acct_1032D82eZvKYlo2C", amount=2700, currency="USD", idempotency_key=key()
    )
    assert transfer.startswith("tr_")


async def test_reverse_part_of_a_transfer(transferring: PaymentProvider) -> None:
    transfer = await transferring.transfer(
        destination="acct_1032D82eZvKYlo2C", amount=2700, currency="USD", idempotency_key=key()
    )
    reversal = await transferring.reverse_transfer(transfer, amount=1350, idempotency_key=key())
    assert reversal.startswith("trr_")


def test_settings_choose_the_provider() -> None:
    from agora_payment.service.context import build_provider
    from agora_payment.settings import Settings

    assert isinstance(build_provider(Settings()), SandboxProvider)
    chosen = build_provider(
        Settings(provider="stripe", stripe_api_key="sk_test_x", stripe_api_base="http://x")
    )
    assert isinstance(chosen, StripeProvider)


@pytest.fixture(params=["sandbox", "stripe-mock"])
def connecting(request: pytest.FixtureRequest) -> PaymentProvider:
    """Providers that know Connect accounts (localstripe does not)."""
    return _build(request, request.param)


async def test_an_express_account_and_its_onboarding_link(connecting: PaymentProvider) -> None:
    account = await connecting.create_account(
        vendor_id=str(uuid.uuid4()), country="US", idempotency_key=key()
    )
    assert account.id.startswith("acct_")
    link = await connecting.onboarding_link(
        account.id,
        refresh_url="https://agora.example/console/vendor/payouts?onboarding=refresh",
        return_url="https://agora.example/console/vendor/payouts?onboarding=done",
    )
    assert link.url.startswith(("https://", "http://"))
    assert link.expires_at.tzinfo is not None


async def test_a_new_sandbox_account_is_pending() -> None:
    account = await SandboxProvider().create_account(
        vendor_id="v", country="US", idempotency_key="connect-account-v"
    )
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (
        False,
        False,
        False,
    )
    assert account.currently_due
    again = await SandboxProvider().create_account(
        vendor_id="v", country="US", idempotency_key="connect-account-v"
    )
    assert again.id == account.id


async def test_account_updated_of_a_stripe_account_parses(
    stripe_mock_server: StripeMockServer,
) -> None:
    """A signed ``account.updated`` carrying the Account stripe-mock answers (Stripe's
    own fixture of the full object) verifies and reads as the account's state."""
    client = stripe.StripeClient(
        stripe_mock_server.api_key, base_addresses={"api": stripe_mock_server.url}
    )
    fixture = (await client.v1.accounts.retrieve_async("acct_1032D82eZvKYlo2C")).to_dict()
    event = {
        "id": "evt_" + key(),
        "object": "event",
        "type": "account.updated",
        "created": int(time.time()),
        "data": {"object": fixture},
    }
    body = json.dumps(event).encode()
    secret = "whsec_" + key()
    header = stripe.WebhookSignature.generate_signature_header(body.decode(), secret)
    verified = verify(body, header, secret, tolerance=300)
    state = ConnectedAccount.of(verified["data"]["object"])
    requirements = fixture.get("requirements") or {}
    assert state.id == fixture["id"]
    assert (state.charges_enabled, state.payouts_enabled, state.details_submitted) == (
        bool(fixture["charges_enabled"]),
        bool(fixture["payouts_enabled"]),
        bool(fixture["details_submitted"]),
    )
    assert state.disabled_reason == (requirements.get("disabled_reason") or None)
    assert list(state.currently_due) == list(requirements.get("currently_due") or [])
