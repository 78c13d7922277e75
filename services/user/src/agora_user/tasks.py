"""The user service's background loops and start-up steps, run by the chassis."""

from __future__ import annotations

import asyncio
import logging

from agora_user.service.context import UserContext
from agora_user.service.housekeeping import sweep

logger = logging.getLogger("agora.user.tasks")


async def housekeeping(context: UserContext) -> None:
    """One sweep per ``housekeeping_interval_seconds``, each in its own transaction."""
    while True:
        try:
            async with context.database.transaction() as session:
                swept = await sweep(context, session)
            if swept.throttle or swept.tokens or swept.sessions:
                logger.info("housekeeping: %s", swept)
        except Exception as exc:
            logger.warning("housekeeping failed, will retry: %r", exc)
        await asyncio.sleep(context.settings.housekeeping_interval_seconds)


async def prepare_signing_key(context: UserContext) -> None:
    """A start-up step: make sure a signing key exists. Not fatal: ``/readyz`` reports
    the database, and the key is made on the first login instead."""
    try:
        await context.keys.ensure_key()
    except Exception as exc:
        logging.getLogger("agora.user").warning("could not prepare a signing key at start: %r", exc)
