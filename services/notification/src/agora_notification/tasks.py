"""The notification service's background loops, started and cancelled by the chassis:
the dispatcher that sends deliveries, the live feed's listener and its sockets'
presence, and the webhook delivery worker."""

from __future__ import annotations

from agora_notification.service.context import AppContext


async def dispatch(context: AppContext) -> None:
    """Send the deliveries that are due, woken when new ones commit."""
    await context.dispatcher.run()


async def listen(context: AppContext) -> None:
    """Relay new in-app notifications to the live feed's sockets."""
    await context.hub.run()


async def keep_present(context: AppContext) -> None:
    """Refresh the presence rows of the live feed's sockets, all in one statement a
    heartbeat."""
    await context.hub.keep_present(context.settings.ws_heartbeat_seconds, context.now)


async def deliver_webhooks(context: AppContext) -> None:
    """Send the webhook deliveries that are due, woken when new ones commit."""
    await context.webhooks.run(context)
