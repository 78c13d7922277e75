"""What the notification service's rules need besides a session: settings, templates,
unsubscribe tokens, the senders, and the wake-ups of the dispatcher
(``NotificationContext``, one per CLI command too); and what the running app adds,
the dispatcher and the live feed's hub (``AppContext``, built once the chassis's
runtime exists, at ``app.state.context``, ADR 0085)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import quote, urlencode

from agora_kit.app import ServiceRuntime
from agora_kit.sealing import Sealer
from agora_notification.adapters.base import Sender
from agora_notification.adapters.email import FileSender, SmtpSender
from agora_notification.adapters.providers import LoggingPushSender, LoggingSmsSender
from agora_notification.adapters.push import ApnsPushSender, FcmPushSender
from agora_notification.adapters.twilio_sms import TwilioSmsSender
from agora_notification.domain import Category, Channel
from agora_notification.rendering import Renderer
from agora_notification.service.dispatcher import Dispatcher
from agora_notification.service.hub import FeedHub
from agora_notification.service.unsubscribe import UnsubscribeTokens
from agora_notification.service.webhooks.worker import WebhookWorker
from agora_notification.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


def _sms_sender(settings: Settings) -> Sender:
    s = settings
    if s.sms_provider == "twilio":
        assert s.twilio_account_sid
        assert s.twilio_auth_token
        assert s.twilio_from
        return TwilioSmsSender(
            account_sid=s.twilio_account_sid,
            auth_token=s.twilio_auth_token.get_secret_value(),
            sender=s.twilio_from,
            base_url=s.twilio_base_url,
            timeout_seconds=s.provider_timeout_seconds,
        )
    return LoggingSmsSender()


def _push_sender(settings: Settings) -> Sender:
    s = settings
    if s.push_provider == "fcm":
        assert s.fcm_service_account_file  # settings check
        return FcmPushSender(
            service_account_file=s.fcm_service_account_file,
            project_id=s.fcm_project_id,
            base_url=s.fcm_base_url,
            timeout=s.provider_timeout_seconds,
        )
    if s.push_provider == "apns":
        assert s.apns_key_file
        assert s.apns_key_id
        assert s.apns_team_id
        assert s.apns_topic
        return ApnsPushSender(
            key_file=s.apns_key_file,
            key_id=s.apns_key_id,
            team_id=s.apns_team_id,
            topic=s.apns_topic,
            base_url=s.apns_base_url,
            timeout=s.provider_timeout_seconds,
        )
    return LoggingPushSender()


def build_senders(settings: Settings) -> dict[str, Sender]:
    """The sender of each channel, as the settings choose (ADR 0117)."""
    email: Sender = (
        FileSender(settings.mail_dir) if settings.email_backend == "file" else SmtpSender(settings)
    )
    return {"email": email, "sms": _sms_sender(settings), "push": _push_sender(settings)}


@dataclass
class NotificationContext:
    settings: Settings
    renderer: Renderer
    unsubscribe: UnsubscribeTokens
    senders: dict[str, Sender]
    # Opens the reset and verification tokens the user service seals into its events.
    sealer: Sealer
    # Seals the webhook endpoints' signing secrets at rest (under the secret key).
    webhook_sealer: Sealer
    clock: Callable[[], datetime] = _now
    # Called after a transaction that created deliveries commits.
    on_new_deliveries: list[Callable[[], None]] = field(default_factory=list)
    # Called after a transaction that created webhook deliveries commits.
    on_new_webhooks: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def build(
        cls, settings: Settings, senders: dict[str, Sender] | None = None, **more: Any
    ) -> Self:
        """The context of ``settings``; ``more`` fills the fields of a subclass."""
        return cls(
            settings=settings,
            renderer=Renderer(default_locale=settings.default_locale),
            unsubscribe=UnsubscribeTokens(
                settings.secret_key.get_secret_value(),
                max_age_days=settings.unsubscribe_token_max_age_days,
            ),
            senders=senders if senders is not None else build_senders(settings),
            sealer=settings.mail_sealer(),
            webhook_sealer=Sealer(settings.secret_key.get_secret_value()),
            **more,
        )

    def now(self) -> datetime:
        return self.clock()

    def frontend(self, path: str, **query: str) -> str:
        base = self.settings.frontend_url.rstrip("/")
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{base}/{path.lstrip('/')}{suffix}"

    def unsubscribe_url(self, user_id: uuid.UUID, category: Category, channel: Channel) -> str:
        token = self.unsubscribe.issue(user_id, category, channel)
        base = self.settings.public_api_url.rstrip("/")
        return f"{base}/api/v1/notifications/unsubscribe?token={quote(token)}"


@dataclass
class AppContext(NotificationContext):
    """The running service's context: the rules' context, the dispatcher that sends
    the deliveries and the hub of the live feed."""

    dispatcher: Dispatcher = field(kw_only=True)
    hub: FeedHub = field(kw_only=True)
    webhooks: WebhookWorker = field(kw_only=True)

    @classmethod
    def of(
        cls, runtime: ServiceRuntime, settings: Settings, senders: dict[str, Sender] | None
    ) -> AppContext:
        senders = senders if senders is not None else build_senders(settings)
        dispatcher = Dispatcher(runtime.database, senders, settings, runtime.metrics)
        context = cls.build(
            settings,
            senders,
            on_new_deliveries=[dispatcher.wake],
            dispatcher=dispatcher,
            hub=FeedHub(runtime.database, queue_size=settings.ws_queue_size),
            webhooks=WebhookWorker(runtime.database, runtime.metrics),
        )
        context.on_new_webhooks.append(context.webhooks.wake)
        return context
