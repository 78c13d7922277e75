"""The order service's background loops, started and cancelled by the chassis."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from agora_order.service import saga_payment
from agora_order.service.context import OrderContext


async def payment_timeouts(context: OrderContext) -> None:
    """Cancel orders whose payment did not arrive in time."""
    settings = context.settings
    while True:
        async with context.database.transaction() as session:
            await saga_payment.time_out_unpaid(
                session, context.outbox, after=timedelta(seconds=settings.payment_timeout_seconds)
            )
        await asyncio.sleep(settings.payment_sweep_seconds)
