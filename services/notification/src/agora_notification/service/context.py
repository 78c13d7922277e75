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
from agora_notification.domain import Category, Channel
from agora_notification.rendering import Renderer
from agora_notification.service.dispatcher import Dispatcher
from agora_notification.service.hub import FeedHub
from agora_notification.service.unsubscribe import UnsubscribeTokens
from agora_notification.service.webhooks.worker import WebhookWorker
from agora_notification.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


def build_senders(settings: Settings) -> dict[str, Sender]:
    email: Sender = (
        FileSender(settings.mail_dir) if settings.email_backend == "file" else SmtpSender(settings)
    )
    return {"email": email, "sms": LoggingSmsSender(), "push": LoggingPushSender()}


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
            sealer=Sealer(settings.common.mail_token_key.get_secret_value()),
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
