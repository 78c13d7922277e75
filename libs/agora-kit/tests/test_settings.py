"""Settings come from ``AGORA_<SERVICE>_*`` and ``AGORA_*``; production refuses
placeholder secrets."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings

REAL_SECRET = "q8Vn3rT0pLx1Zc7Wm2Ks9Yd4Hf6Bj5Ga"


class FooSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="AGORA_FOO_", extra="ignore")

    service_name: str = "foo"
    port: int = 8009


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: nothing from the shell or CI leaks in."""
    for name in list(os.environ):
        if name.startswith("AGORA_") or name in ("PORT", "SECRET_KEY", "LOG_LEVEL"):
            monkeypatch.delenv(name)


def test_defaults_without_environment() -> None:
    settings = FooSettings()
    assert settings.port == 8009
    assert settings.common.environment == "development"
    assert settings.common.log_level == "INFO"


def test_service_and_shared_settings_come_from_their_prefixes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGORA_FOO_PORT", "9123")
    monkeypatch.setenv("AGORA_FOO_DATABASE_URL", "postgresql+asyncpg://db.internal/foo")
    monkeypatch.setenv("AGORA_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("AGORA_MAX_BODY_BYTES", "2048")
    settings = FooSettings()
    assert settings.port == 9123
    assert settings.database_url == "postgresql+asyncpg://db.internal/foo"
    assert settings.common.log_level == "DEBUG"
    assert settings.common.max_body_bytes == 2048


def test_other_prefixes_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "1111")
    monkeypatch.setenv("AGORA_PORT", "2222")
    monkeypatch.setenv("AGORA_BAR_PORT", "3333")
    assert FooSettings().port == 8009


def test_a_malformed_value_is_refused_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGORA_FOO_PORT", "eighty")
    with pytest.raises(ValidationError, match="port"):
        FooSettings()


def test_production_refuses_the_placeholder_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    with pytest.raises(ValidationError) as caught:
        FooSettings()
    message = str(caught.value)
    assert "AGORA_FOO_SECRET_KEY" in message
    assert "production" in message


@pytest.mark.parametrize("weak", ["", "short", "change-me-" + "x" * 40])
def test_production_refuses_a_weak_secret(monkeypatch: pytest.MonkeyPatch, weak: str) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    monkeypatch.setenv("AGORA_FOO_SECRET_KEY", weak)
    with pytest.raises(ValidationError, match="AGORA_FOO_SECRET_KEY"):
        FooSettings()


def test_production_accepts_a_real_secret_and_never_shows_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    monkeypatch.setenv("AGORA_FOO_SECRET_KEY", REAL_SECRET)
    monkeypatch.setenv("AGORA_SERVICE_TOKEN", "s" * 40)
    settings = FooSettings()
    assert settings.secret_key.get_secret_value() == REAL_SECRET
    assert REAL_SECRET not in repr(settings)
    assert REAL_SECRET not in settings.model_dump_json()


@pytest.mark.parametrize("environment", ["development", "test"])
def test_outside_production_the_placeholder_is_accepted(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", environment)
    assert "change-me" in FooSettings().secret_key.get_secret_value()


def test_an_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "prod")
    with pytest.raises(ValidationError, match="environment"):
        FooSettings()


@pytest.mark.parametrize("weak", [None, "", "short", "change-me-" + "x" * 40])
def test_production_refuses_a_placeholder_service_credential(
    monkeypatch: pytest.MonkeyPatch, weak: str | None
) -> None:
    monkeypatch.setenv("AGORA_ENVIRONMENT", "production")
    monkeypatch.setenv("AGORA_FOO_SECRET_KEY", REAL_SECRET)
    if weak is not None:
        monkeypatch.setenv("AGORA_SERVICE_TOKEN", weak)
    with pytest.raises(ValidationError, match="AGORA_SERVICE_TOKEN"):
        FooSettings()
