"""The catalog's background work, run beside the outbox relay for the app's lifetime:
the reservation sweep, the thumbnail worker, the embedding worker, the media sweep, and the search
backend's (and the image store's) opening and closing with the app."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from agora_catalog.service import embeddings, images, media_sweep, reservations
from agora_catalog.service.context import CatalogContext
from agora_kit.waking import stop_if_cancelled, woken

logger = logging.getLogger("agora.catalog.tasks")

SWEEP_BATCH = 100


async def sweep_expired_reservations(context: CatalogContext) -> None:
    """Releases reservations whose order neither confirmed nor cancelled in time."""
    while True:
        released = 0
        try:
            async with context.database.transaction() as session:
                released = await reservations.expire_due(session, context.outbox, batch=SWEEP_BATCH)
            if released:
                logger.info("released %d expired reservation(s)", released)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the reservation sweep failed; trying again later")
        if released < SWEEP_BATCH:
            await asyncio.sleep(context.settings.reservation_sweep_seconds)


async def keep_search_open(context: CatalogContext) -> None:
    """Opens the search backend beside the app's start (a slow cluster does not hold
    the app back) and closes it on shutdown. Not fatal when opening fails: the backend
    connects on first use, and readiness tells."""
    try:
        try:
            await context.search.start()
        except Exception:
            logger.exception("the %s search backend did not start", context.search.name)
        await asyncio.Event().wait()
    finally:
        await context.search.close()
        await context.media.close()


async def make_thumbnails(context: CatalogContext) -> None:
    """Makes the thumbnails of uploaded images, one at a time, oldest first: at once
    after an upload here, and every ``thumbnail_poll_seconds`` for the uploads of other
    replicas and those a dead process left ``processing`` (ADR 0103). Starts with a
    look, so a restart picks up what the last run did not finish; and first gives a
    cover to the products whose images were ready before covers were kept (ADR 0109)."""
    settings = context.settings
    limits = images.ImageLimits(
        settings.image_max_bytes, settings.image_max_pixels, context.image_work
    )
    try:
        await images.fill_missing_covers(context.database, context.outbox, context.media)
    except Exception:
        logger.exception("products without their cover stay so until their next image change")
    while True:
        context.thumbnails_wanted.clear()
        try:
            while await images.make_next_thumbnails(
                context.database, context.outbox, context.media, limits
            ):
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the thumbnail worker failed; trying again later")
        await woken(context.thumbnails_wanted, settings.thumbnail_poll_seconds)


async def sweep_media(context: CatalogContext) -> None:
    """Deletes media files no image row names and the images of products deleted longer
    ago than ``deleted_product_images_days``, every ``media_sweep_seconds``, the first
    time one period after the start (ADR 0109)."""
    settings = context.settings
    while True:
        await asyncio.sleep(settings.media_sweep_seconds)
        try:
            await media_sweep.sweep(
                context.database,
                context.media,
                orphan_grace=timedelta(seconds=settings.media_orphan_grace_seconds),
                deleted_grace=timedelta(days=settings.deleted_product_images_days),
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the media sweep failed; trying again later")


async def embed_products(context: CatalogContext) -> None:
    """Makes the embeddings of products for sale that have none or were edited since
    (ADR 0123): batch after batch while there are some, then at once when the catalog's
    own events tell of a change here (``embeddings_wanted``), and every
    ``embedding_poll_seconds`` for the changes another replica handled. The model loads
    on the first product (or search) to embed, and is forgotten once unused for
    ``embedding_idle_seconds`` (looked at on each wake-up). With ``embedding_worker``
    off, this replica embeds nothing and only forgets the model a search loaded."""
    settings = context.settings
    while True:
        context.embeddings_wanted.clear()
        done = 0
        if settings.embedding_worker:
            try:
                done = await embeddings.embed_pending(context.database, indexer=context.indexer)
            except asyncio.CancelledError:
                raise
            except Exception:
                stop_if_cancelled()
                logger.exception("the embedding worker failed; trying again later")
        if done < embeddings.BATCH:
            embeddings.release_idle_model(settings.embedding_idle_seconds)
            await woken(context.embeddings_wanted, settings.embedding_poll_seconds)
