"""Production refuses the placeholder key that seals reset and verification tokens
(``CommonSettings.mail_token_key``), in every service that seals or opens them."""

from __future__ import annotations

import importlib
import json
import os

import pytest
from pydantic import ValidationError, model_validator
from pydantic_settings import SettingsConfigDict

from agora_kit.sealing import InvalidToken, Sealer
from agora_kit.settings import ServiceSettings

REAL = "a-real-secret-of-enough-length-0123456789"


class SealingSettings(ServiceSettings):
    """A service that seals mail tokens, as the user and notification services do."""

    model_config = SettingsConfigDict(env_prefix="AGORA_FOO_", extra="ignore")

    @model_validator(mode="after")
    def _refuse_placeholder_mail_token_key(self) -> SealingSettings:
        self.check_mail_token_key()
        return self


@pytest.fixture(autouse=True)
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AGORA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    monkeypatch.setenv("AGORA_SERVICE_TOKEN", REAL + "-service")
    for prefix in ("FOO", "USER", "NOTIFICATION"):
        monkeypatch.setenv(f"AGORA_{prefix}_SECRET_KEY", REAL)


# The kit's own check, and the two services that seal (user) or open (notification)
# mail tokens; each must refuse the placeholder itself.
SETTINGS = ["kit", "agora_user.settings", "agora_notification.settings"]


def _settings_class(module: str) -> type[ServiceSettings]:
    if module == "kit":
        return SealingSettings
    found: type[ServiceSettings] = importlib.import_module(module).Settings
    return found


@pytest.mark.parametrize("module", SETTINGS)
def test_production_refuses_the_placeholder_mail_token_key(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_class = _settings_class(module)
    with pytest.raises(ValidationError, match="AGORA_MAIL_TOKEN_KEY"):
        settings_class()
    monkeypatch.setenv("AGORA_MAIL_TOKEN_KEY", "short-but-no-placeholder")
    with pytest.raises(ValidationError, match="AGORA_MAIL_TOKEN_KEY"):
        settings_class()
    monkeypatch.setenv("AGORA_MAIL_TOKEN_KEY", REAL + "-mail")
    assert settings_class().common.mail_token_key.get_secret_value() == REAL + "-mail"


def test_development_keeps_the_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "development")
    assert "change-me" in SealingSettings().common.mail_token_key.get_secret_value()


def test_a_rotated_key_still_opens_what_the_previous_one_sealed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old_key, new_key = REAL + "-old", REAL + "-new"
    monkeypatch.setenv("AGORA_MAIL_TOKEN_KEY", old_key)
    before = SealingSettings().mail_sealer()
    in_flight = before.seal("token-in-flight")

    monkeypatch.setenv("AGORA_MAIL_TOKEN_KEY", new_key)
    with pytest.raises(InvalidToken):  # the new key alone cannot open it
        SealingSettings().mail_sealer().open(in_flight)

    monkeypatch.setenv("AGORA_MAIL_TOKEN_PREVIOUS_KEYS", json.dumps([old_key]))
    rotated = SealingSettings().mail_sealer()
    assert rotated.open(in_flight) == "token-in-flight"
    # It seals under the new key only: the old key does not open what it seals.
    sealed = rotated.seal("token-after")
    assert Sealer(new_key).open(sealed) == "token-after"
    with pytest.raises(InvalidToken):
        before.open(sealed)
