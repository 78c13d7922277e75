"""Product images: upload (sniffed, cleaned, stored, then thumbnails in the
background), list and delete; and the thumbnail worker's one step (ADR 0103).

An upload answers as soon as its cleaned original is stored and its row written, in
state ``processing``. The worker (:mod:`agora_catalog.tasks`) makes the thumbnails and
marks it ``ready``, or ``failed`` when the original cannot be made into thumbnails or
the store keeps failing. A process that dies first leaves the row ``processing``: the
next worker to look, on any replica and at every start, picks it up again."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from agora_catalog.adapters.media.base import MediaNotFound, MediaStore, MediaUnavailable
from agora_catalog.domain import images as domain
from agora_catalog.domain.images import CorruptImage, ImageFields, ImageLinks, UnsupportedImage
from agora_catalog.domain.products import ProductRecord, StoreRecord, is_public
from agora_catalog.models import (
    IMAGE_FAILED,
    IMAGE_PROCESSING,
    IMAGE_READY,
    Product,
    ProductImage,
)
from agora_catalog.repository import images as repo
from agora_catalog.repository import product_views as views_repo
from agora_catalog.repository.products import product_for_update
from agora_catalog.service.access import Actor, can_manage
from agora_catalog.service.errors import ImageTooLarge, InvalidImage, UnsupportedImageType
from agora_catalog.service.products import announce_change, for_write
from agora_kit.db import Database
from agora_kit.errors import NotFound, ServiceUnavailable
from agora_kit.events.outbox import Outbox

logger = logging.getLogger("agora.catalog.images")

# Thumbnail runs that may fail on the store before the image is given up on: about
# five minutes of an unreachable store at the default poll of 30 s.
MAX_ATTEMPTS = 10
# Postgres' lock_not_available, and how long the worker waits before trying again.
LOCK_NOT_AVAILABLE = "55P03"
BUSY_RETRY_SECONDS = 0.5
# The thumbnail a product's cover shows in listings, search and events (ADR 0109).
COVER_SIZE = "medium"
COVER_BATCH = 100


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_pixels: int
    # Held while an image is decoded: how many are at once.
    work: asyncio.Semaphore


def links(image: ImageFields, media: MediaStore) -> ImageLinks:
    ready = image.state == IMAGE_READY
    return ImageLinks(
        id=image.id,
        state=image.state,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=image.size_bytes,
        created_at=image.created_at,
        url=media.url(image.original_key),
        thumbnails=(
            {
                name: media.url(domain.thumbnail_key(image.product_id, image.id, name))
                for name in domain.THUMBNAIL_SIZES
            }
            if ready
            else {}
        ),
    )


async def upload(
    session: AsyncSession,
    media: MediaStore,
    actor: Actor,
    product_id: uuid.UUID,
    data: bytes,
    *,
    limits: ImageLimits,
) -> ImageLinks:
    """Store a cleaned copy of the upload and queue its thumbnails. Nothing is stored
    when the upload is too large (413), not a JPEG, PNG or WebP (415), or cannot be
    decoded (422)."""
    await for_write(session, actor, product_id)
    if len(data) > limits.max_bytes:
        raise ImageTooLarge(f"The image is larger than {limits.max_bytes} bytes.")
    try:
        async with limits.work:
            cleaned = await asyncio.to_thread(domain.clean, data, max_pixels=limits.max_pixels)
    except UnsupportedImage as exc:
        raise UnsupportedImageType(f"{exc}; upload a JPEG, PNG or WebP image.") from None
    except CorruptImage as exc:
        raise InvalidImage(str(exc)) from None
    image_id = uuid.uuid4()
    now = datetime.now(UTC)
    image = ProductImage(
        id=image_id,
        product_id=product_id,
        state=IMAGE_PROCESSING,
        content_type=cleaned.content_type,
        original_key=domain.original_key(product_id, image_id, cleaned.extension),
        width=cleaned.width,
        height=cleaned.height,
        size_bytes=len(cleaned.data),
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(image)
    await session.flush()
    # Last: a failing store rolls the row back with the request.
    try:
        await media.put(image.original_key, cleaned.data, cleaned.content_type)
    except MediaUnavailable:
        logger.exception("the image store refused an upload")
        raise ServiceUnavailable("The image store cannot be reached; try again.") from None
    return links(image, media)


async def visible(
    session: AsyncSession, actor: Actor | None, product_id: uuid.UUID
) -> tuple[ProductRecord, StoreRecord, Sequence[ImageFields]]:
    """The product as ``actor`` may see it (for sale to everyone, otherwise only to its
    store's owner and admins: 404 to others, as if it did not exist), its store, and
    its images in upload order: the ready ones, which the product's own statement
    carries, or every one with its state for the store (one more read, for it alone)."""
    found = await views_repo.product_with_vendor(session, product_id)
    if found is None:
        raise NotFound("No such product.")
    product, vendor, ready = found
    if can_manage(actor, vendor):
        return product, vendor, await repo.of_product(session, product_id)
    if not is_public(product, vendor):
        raise NotFound("No such product.")
    return product, vendor, ready


async def listing(
    session: AsyncSession, media: MediaStore, actor: Actor | None, product_id: uuid.UUID
) -> list[ImageLinks]:
    """A product's images in upload order, as ``visible`` gives them."""
    _, _, rows = await visible(session, actor, product_id)
    return [links(image, media) for image in rows]


async def refresh_cover(
    session: AsyncSession, outbox: Outbox, media: MediaStore, product: Product
) -> bool:
    """Set the product's cover to its first ready image's medium thumbnail (None
    without one), and when that changed, announce the product as any change to it is
    (``ProductUpdated`` through the outbox, in this transaction, when it is for sale;
    the search index follows that event). Whether the cover changed. ``product`` is
    locked by the caller."""
    first = await repo.first_ready(session, product.id)
    url = (
        media.url(domain.thumbnail_key(product.id, first.id, COVER_SIZE))
        if first is not None
        else None
    )
    if url == product.cover_image_url:
        return False
    product.cover_image_url = url
    product.updated_at = datetime.now(UTC)
    await session.flush()
    await announce_change(session, outbox, product)
    return True


async def delete(
    session: AsyncSession,
    outbox: Outbox,
    media: MediaStore,
    actor: Actor,
    product_id: uuid.UUID,
    *,
    image_id: uuid.UUID,
) -> list[str]:
    """Forget an image (a new cover if it was the cover); the keys of its files, for the
    caller to delete once this transaction has committed (a failed commit must not lose
    the files)."""
    product, _ = await for_write(session, actor, product_id)
    image = await repo.one(session, product_id, image_id)
    if image is None:
        raise NotFound("No such image.")
    await session.delete(image)
    await session.flush()
    if image.state == IMAGE_READY:
        await refresh_cover(session, outbox, media, product)
    return files_of(image)


def files_of(image: ProductImage) -> list[str]:
    return [
        image.original_key,
        *(domain.thumbnail_key(image.product_id, image.id, n) for n in domain.THUMBNAIL_SIZES),
    ]


async def delete_files(media: MediaStore, keys: list[str]) -> None:
    for key in keys:
        try:
            await media.delete(key)
        except Exception:
            # The row is gone already: a file left behind is only unused space.
            logger.exception("could not delete the image file %s", key)


async def make_next_thumbnails(
    database: Database, outbox: Outbox, media: MediaStore, limits: ImageLimits
) -> bool:
    """Make the thumbnails of the oldest image waiting for them; False when none waits.
    The row stays locked meanwhile, so replicas never make the same ones twice. An
    image that turns ready may be its product's new cover (:func:`refresh_cover`, in
    the same transaction)."""
    try:
        return await _make_next_thumbnails(database, outbox, media, limits)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        # The product is being changed (its image deleted, perhaps): nothing was kept;
        # the image is still processing, and its thumbnails are made again shortly.
        logger.info("the product of the next image is busy; trying again")
        await asyncio.sleep(BUSY_RETRY_SECONDS)
        return True


async def _make_next_thumbnails(
    database: Database, outbox: Outbox, media: MediaStore, limits: ImageLimits
) -> bool:
    async with database.transaction() as session:
        image = await repo.next_to_process(session)
        if image is None:
            return False
        try:
            original = await media.get(image.original_key)
            async with limits.work:
                made = await asyncio.to_thread(
                    domain.thumbnails, original, max_pixels=limits.max_pixels
                )
            for name, data in made.items():
                key = domain.thumbnail_key(image.product_id, image.id, name)
                await media.put(key, data, domain.THUMBNAIL_TYPE[0])
            image.state = IMAGE_READY
        except (CorruptImage, UnsupportedImage, MediaNotFound):
            logger.exception("image %s cannot be made into thumbnails", image.id)
            image.state = IMAGE_FAILED
        except Exception:
            image.attempts += 1
            if image.attempts >= MAX_ATTEMPTS:
                image.state = IMAGE_FAILED
            logger.exception(
                "thumbnails of image %s failed (attempt %d of %d)",
                image.id,
                image.attempts,
                MAX_ATTEMPTS,
            )
            image.updated_at = datetime.now(UTC)
            # The store is failing: leave the rest for the next round.
            return image.state == IMAGE_FAILED
        image.updated_at = datetime.now(UTC)
        if image.state == IMAGE_READY:
            # NOWAIT: a deletion holds the product and waits for this image's row; waiting
            # for the product here would be a deadlock.
            product = await product_for_update(session, image.product_id, nowait=True)
            if product is not None:
                await refresh_cover(session, outbox, media, product)
        return True


async def fill_missing_covers(database: Database, outbox: Outbox, media: MediaStore) -> int:
    """Give a cover to every product that has a ready image but none (images ready
    before covers were kept, ADR 0109); how many. The thumbnail worker runs it at start."""
    filled = 0
    while True:
        async with database.transaction() as session:
            ids = await repo.without_cover(session, COVER_BATCH)
            for product_id in ids:
                product = await product_for_update(session, product_id)
                if product is not None and await refresh_cover(session, outbox, media, product):
                    filled += 1
        if len(ids) < COVER_BATCH:
            return filled
