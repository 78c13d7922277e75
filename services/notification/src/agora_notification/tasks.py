"""The notification service's background loops, started and cancelled by the chassis:
the dispatcher that sends deliveries, the live feed's listener, and the webhook
delivery worker."""

from __future__ import annotations

from agora_notification.service.context import AppContext


async def dispatch(context: AppContext) -> None:
    """Send the deliveries that are due, woken when new ones commit."""
    await context.dispatcher.run()


async def listen(context: AppContext) -> None:
    """Relay new in-app notifications to the live feed's sockets."""
    await context.hub.run()


async def deliver_webhooks(context: AppContext) -> None:
    """Send the webhook deliveries that are due, woken when new ones commit."""
    await context.webhooks.run(context)
