"""The user service's settings (``AGORA_USER_*``)."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from agora_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """The user service's settings, from ``AGORA_USER_*`` (shared ones from ``AGORA_*``)."""

    model_config = SettingsConfigDict(env_prefix="AGORA_USER_", extra="ignore")

    service_name: str = "user"
    port: int = 8001
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5439/agora_user"

    # Tokens. Access tokens are JWTs other services verify on their own, so they stay
    # short; refresh tokens are opaque, stored hashed, rotated on every use.
    access_token_ttl_seconds: int = Field(default=15 * 60, ge=60, le=3600)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=3600)
    # What the token exchange gives a third-party API key: no longer than an access token.
    api_key_token_ttl_seconds: int = Field(default=5 * 60, ge=30, le=3600)
    # Between the password step and the TOTP step of a login.
    mfa_token_ttl_seconds: int = Field(default=5 * 60, ge=30)
    mfa_max_attempts: int = Field(default=5, ge=1)
    # Creating API keys, turning 2FA on or off and erasing the account need a sign-in
    # (or POST /auth/reauthenticate) at most this long ago.
    reauthentication_max_age_seconds: int = Field(default=5 * 60, ge=1)
    # Wrong second-factor codes per account, across challenges (a correct password
    # gives a fresh challenge): reaching the limit locks the second step and mails
    # the owner.
    mfa_account_max_failures: int = Field(default=10, ge=1)
    mfa_failure_window_seconds: int = Field(default=15 * 60, ge=1)
    mfa_lockout_seconds: int = Field(default=15 * 60, ge=1)
    email_verification_ttl_seconds: int = Field(default=48 * 3600, ge=60)
    password_reset_ttl_seconds: int = Field(default=3600, ge=60)
    # A second reset mail within this time is not sent (no mail bombing through /forgot).
    password_reset_cooldown_seconds: int = Field(default=60, ge=0)
    # Phone verification (ADR 0117): a 6-digit code texted to the number, valid this
    # long, for this many tries; one code per cool-down and this many a day per account,
    # and this many a day to one number whichever accounts ask (texts cost money and
    # can be turned against a number).
    phone_code_ttl_seconds: int = Field(default=10 * 60, ge=60)
    phone_code_max_attempts: int = Field(default=5, ge=1)
    phone_code_cooldown_seconds: int = Field(default=60, ge=0)
    phone_codes_per_day: int = Field(default=5, ge=1)
    phone_codes_per_number_per_day: int = Field(default=5, ge=1)

    # Throttling and temporary lockout of password logins, per e-mail address (whether
    # an account exists or not, so the answers enumerate nothing) and per client address.
    login_max_failures: int = Field(default=5, ge=1)
    login_ip_max_failures: int = Field(default=50, ge=1)
    login_failure_window_seconds: int = Field(default=15 * 60, ge=1)
    login_lockout_seconds: int = Field(default=15 * 60, ge=1)

    # Password policy (NIST SP 800-63B: length and a blocklist, no composition rules).
    password_min_length: int = Field(default=10, ge=8)
    password_max_length: int = Field(default=128, ge=64, le=1024)

    # Argon2id parameters; the defaults are RFC 9106's second recommended option
    # (argon2-cffi's defaults). Tests lower them (docs/adr/0021).
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=64 * 1024, ge=8)
    password_hash_parallelism: int = Field(default=4, ge=1)

    # Signing keys: a rotated-in key is published this long before it signs, so every
    # verifier's cached JWKS (5 minutes in agora_kit) already holds it.
    signing_key_publish_lead_seconds: int = Field(default=10 * 60, ge=0)
    # How long the JWKS is cached by clients (Cache-Control).
    jwks_max_age_seconds: int = Field(default=60, ge=0)

    api_key_max_per_user: int = Field(default=25, ge=1)
    # last_used_at is written at most this often per key, not on every exchange.
    api_key_last_used_resolution_seconds: int = Field(default=60, ge=0)

    # How often spent throttle windows, old tokens and old sessions are deleted.
    housekeeping_interval_seconds: float = Field(default=3600, gt=0)

    totp_issuer: str = "Agora"
    recovery_code_count: int = Field(default=10, ge=1, le=50)

    @model_validator(mode="after")
    def _refuse_placeholder_mail_token_key(self) -> Settings:
        # It seals (user) or opens (notification) the tokens in mail events.
        self.check_mail_token_key()
        return self
