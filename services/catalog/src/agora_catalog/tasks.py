"""The catalog's background work, run beside the outbox relay for the app's lifetime."""

from __future__ import annotations

import asyncio
import logging

from agora_catalog.context import CatalogContext
from agora_catalog.service import inventory
from agora_kit.app import BackgroundTask, ServiceRuntime

logger = logging.getLogger("agora.catalog.tasks")

SWEEP_BATCH = 100


def reservation_sweeper(context: CatalogContext) -> BackgroundTask:
    """Releases reservations whose order neither confirmed nor cancelled in time."""

    async def sweep_expired_reservations(runtime: ServiceRuntime) -> None:
        while True:
            released = 0
            try:
                async with runtime.database.transaction() as session:
                    released = await inventory.expire_due(
                        session, context.outbox, batch=SWEEP_BATCH
                    )
                if released:
                    logger.info("released %d expired reservation(s)", released)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("the reservation sweep failed; trying again later")
            if released < SWEEP_BATCH:
                await asyncio.sleep(context.settings.reservation_sweep_seconds)

    return sweep_expired_reservations


def search_lifecycle(context: CatalogContext) -> BackgroundTask:
    """Opens the search backend with the app and closes it on shutdown."""

    async def keep_search_open(runtime: ServiceRuntime) -> None:
        try:
            try:
                await context.search.start()
            except Exception:
                # Not fatal: the backend connects on first use; readiness tells.
                logger.exception("the %s search backend did not start", context.search.name)
            await asyncio.Event().wait()
        finally:
            await context.search.close()

    return keep_search_open
