"""Production refuses payment settings that would take money unsafely: an empty or
placeholder webhook secret (anyone could forge a payment's outcome) and the sandbox
provider (every pm_card_visa would be "paid" without a real charge)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agora_payment.settings import Settings

REAL = "r3al-secret-of-enough-length-for-production-0123456789"


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("AGORA_PAYMENT_PROVIDER", "AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    monkeypatch.setenv("AGORA_PAYMENT_SECRET_KEY", REAL)
    monkeypatch.setenv("AGORA_SERVICE_TOKEN", REAL + "-service")
    monkeypatch.setenv("AGORA_PAYMENT_PROVIDER", "stripe")
    monkeypatch.setenv("AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET", "whsec_" + REAL)
    return monkeypatch


def test_production_accepts_stripe_with_a_real_webhook_secret(
    production: pytest.MonkeyPatch,
) -> None:
    assert Settings().provider == "stripe"


@pytest.mark.parametrize("secret", ["", "   "])
def test_production_refuses_an_empty_webhook_secret(
    production: pytest.MonkeyPatch, secret: str
) -> None:
    production.setenv("AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET", secret)
    with pytest.raises(ValidationError, match="AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET"):
        Settings()


def test_production_refuses_the_sandbox_provider(production: pytest.MonkeyPatch) -> None:
    production.setenv("AGORA_PAYMENT_PROVIDER", "sandbox")
    with pytest.raises(ValidationError, match="AGORA_PAYMENT_PROVIDER"):
        Settings()


def test_development_keeps_the_sandbox_and_the_placeholder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "development")
    monkeypatch.delenv("AGORA_PAYMENT_PROVIDER", raising=False)
    assert Settings().provider == "sandbox"
