"""What the user service's rules need besides a session: settings, the password
hasher, the signing keys, encryption at rest and a clock. One per app (and one per
CLI command), at ``app.state.context``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from agora_kit.db import Database
from agora_kit.events.outbox import Outbox
from agora_kit.sealing import Sealer
from agora_user.service.clock import Clock
from agora_user.service.passwords import Passwords
from agora_user.service.secrets import Keyed, SecretBox
from agora_user.service.signing import SigningKeys
from agora_user.settings import Settings


@dataclass
class UserContext:
    settings: Settings
    database: Database
    outbox: Outbox
    passwords: Passwords
    keys: SigningKeys
    # Encrypts TOTP seeds at rest.
    totp_box: SecretBox
    # Seals the tokens of mail events for the notification service.
    sealer: Sealer
    # Names e-mail and client addresses in the login throttle without storing them.
    throttle_key: Keyed
    # Keeps a texted phone code as an HMAC (six digits are too few for a plain digest).
    phone_code_key: Keyed
    clock: Clock

    @classmethod
    def build(cls, settings: Settings, database: Database, outbox: Outbox) -> UserContext:
        secret = settings.secret_key.get_secret_value()
        clock = Clock()
        lifetime = max(settings.access_token_ttl_seconds, settings.api_key_token_ttl_seconds)
        return cls(
            settings=settings,
            database=database,
            outbox=outbox,
            passwords=Passwords(settings),
            keys=SigningKeys(
                database,
                SecretBox(secret, "signing-keys"),
                clock,
                token_lifetime=timedelta(seconds=lifetime),
                publish_lead=timedelta(seconds=settings.signing_key_publish_lead_seconds),
                clock_skew=timedelta(seconds=settings.common.jwt_clock_skew_seconds),
            ),
            totp_box=SecretBox(secret, "totp"),
            sealer=settings.mail_sealer(),
            throttle_key=Keyed(secret, "login-throttle"),
            phone_code_key=Keyed(secret, "phone-code"),
            clock=clock,
        )

    def now(self) -> datetime:
        return self.clock()

    def after(self, seconds: int) -> datetime:
        return self.clock() + timedelta(seconds=seconds)
