"""The media sweep (ADR 0109): deletes what the image store holds that no image row
names, and the images of products deleted longer ago than a grace period.

Files without a row come from an upload whose commit failed after its original was
stored, thumbnails a worker wrote for an image deleted meanwhile, and deletions whose
file removal failed after the commit. A file is only taken when it is older than
``orphan_grace`` (an upload in progress stores its original before its row commits).
A deleted product's image rows go first, in their own transaction, and their files
after the commit; a file whose deletion fails is a file without a row, which the next
sweep takes. Replicas may sweep at once: every step is safe to do twice."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from agora_catalog.adapters.media.base import MediaStore, StoredObject
from agora_catalog.repository import images as repo
from agora_catalog.service.images import files_of
from agora_kit.db import Database

logger = logging.getLogger("agora.catalog.media_sweep")

PREFIX = "products/"
DELETED_BATCH = 200


@dataclass
class SweepReport:
    images_of_deleted_products: int = 0
    orphan_files: int = 0


def image_id_of(key: str) -> uuid.UUID | None:
    """The image a key belongs to (``products/<product>/<image>/<file>``); None for a
    key that is not an image's (left alone)."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != PREFIX.rstrip("/"):
        return None
    try:
        return uuid.UUID(parts[2])
    except ValueError:
        return None


async def sweep(
    database: Database,
    media: MediaStore,
    *,
    orphan_grace: timedelta,
    deleted_grace: timedelta,
    now: datetime | None = None,
) -> SweepReport:
    now = now or datetime.now(UTC)
    report = SweepReport()
    while True:
        async with database.transaction() as session:
            gone = await repo.forget_of_deleted_products(
                session, now - deleted_grace, DELETED_BATCH
            )
        for image in gone:
            await _delete(media, files_of(image))
        report.images_of_deleted_products += len(gone)
        if len(gone) < DELETED_BATCH:
            break
    cutoff = now - orphan_grace
    async for page in media.listing(PREFIX):
        old = [item for item in page if item.modified < cutoff]
        report.orphan_files += await _sweep_page(database, media, old)
    if report.images_of_deleted_products or report.orphan_files:
        logger.info(
            "media sweep: %d image(s) of deleted products, %d file(s) without a row",
            report.images_of_deleted_products,
            report.orphan_files,
        )
    return report


async def _sweep_page(database: Database, media: MediaStore, page: list[StoredObject]) -> int:
    owners = {item.key: image_id_of(item.key) for item in page}
    ids = {image_id for image_id in owners.values() if image_id is not None}
    if not ids:
        return 0
    async with database.transaction() as session:
        known = await repo.existing_ids(session, ids)
    orphans = [
        key for key, image_id in owners.items() if image_id is not None and image_id not in known
    ]
    await _delete(media, orphans)
    return len(orphans)


async def _delete(media: MediaStore, keys: list[str]) -> None:
    for key in keys:
        await media.delete(key)
