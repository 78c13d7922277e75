"""Production refuses the placeholder key that seals reset and verification tokens."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agora_notification.settings import Settings

REAL = "a-real-secret-of-enough-length-0123456789"


def test_production_refuses_the_placeholder_mail_token_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    monkeypatch.setenv("AGORA_NOTIFICATION_SECRET_KEY", REAL)
    monkeypatch.setenv("AGORA_SERVICE_TOKEN", REAL + "-service")
    monkeypatch.delenv("AGORA_MAIL_TOKEN_KEY", raising=False)
    with pytest.raises(ValidationError, match="AGORA_MAIL_TOKEN_KEY"):
        Settings()
    monkeypatch.setenv("AGORA_MAIL_TOKEN_KEY", REAL + "-mail")
    assert Settings().common.mail_token_key.get_secret_value() == REAL + "-mail"
