"""Product images: upload (owner or admin), list (anyone who may see the product) and
delete (owner or admin). Thumbnails are made after the upload answers (ADR 0103)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Response, UploadFile

from agora_catalog.api.deps import ContextDep, ReaderDep, StoreWriterDep
from agora_catalog.api.image_schemas import UploadedImageList, UploadedImageOut
from agora_catalog.service import images
from agora_kit import idempotency
from agora_kit.db import ReadSessionDep, SessionDep
from agora_kit.errors import problem_responses

router = APIRouter(tags=["products"])

UPLOAD_PATH = "/products/{product_id}/images"


@router.post(
    UPLOAD_PATH,
    status_code=201,
    response_model=UploadedImageOut,
    summary="Upload a product image (owner or admin)",
    responses=problem_responses(401, 403, 404, 413, 415, 422, 503),
)
async def upload_image(
    product_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP image, up to 10 MB")],
    *,
    response: Response,
    session: SessionDep,
    context: ContextDep,
    actor: StoreWriterDep,
    background: BackgroundTasks,
    key: idempotency.OptionalKey = None,
) -> UploadedImageOut | Response:
    """Add an image to a product. Its type is judged by its content alone (JPEG, PNG or
    WebP; 415 otherwise), never by its name or declared type; larger than 10 MB is 413,
    one that cannot be decoded 422, and nothing is kept then. The stored original is
    re-encoded without EXIF or other metadata. It answers in state `processing`; its
    thumbnails are made in the background and the image turns `ready` (or `failed`).
    503 when the image store cannot be reached. The owning vendor or an admin. A retry
    with the same `Idempotency-Key` and the same file gets the first answer again and
    makes no second image; the same key with another file is 422."""
    settings = context.settings
    # One byte over the limit is enough to know it is too large.
    data = await file.read(settings.image_max_bytes + 1)
    # The multipart parser consumed the raw body: the file's content hash stands for it.
    form = json.dumps({"file": hashlib.sha256(data).hexdigest()})
    path = f"/api/v1/products/{product_id}/images"
    keyed = await idempotency.claim(
        session,
        actor.principal.user_id,
        key,
        idempotency.fingerprint("POST", path, form.encode()),
    )
    if keyed.replay is not None:
        return keyed.replay
    limits = images.ImageLimits(
        settings.image_max_bytes, settings.image_max_pixels, context.image_work
    )
    made = await images.upload(session, context.media, actor, product_id, data, limits=limits)
    location = f"{path}/{made.id}"
    response.headers["Location"] = location
    out = UploadedImageOut.of(made)
    await keyed.store(201, out, location)
    # Runs after the answer, which is sent after the commit: the worker finds the row.
    background.add_task(context.thumbnails_wanted.set)
    return out


@router.get(
    UPLOAD_PATH,
    response_model=UploadedImageList,
    summary="A product's uploaded images, in upload order",
    responses=problem_responses(404),
)
async def list_images(
    product_id: uuid.UUID, session: ReadSessionDep, context: ContextDep, actor: ReaderDep
) -> UploadedImageList:
    """A product's uploaded images in upload order with their thumbnails: the ready
    ones for everyone who may see the product, every one with its state for its store
    and admins."""
    found = await images.listing(session, context.media, actor, product_id)
    return UploadedImageList(items=[UploadedImageOut.of(image) for image in found])


@router.delete(
    UPLOAD_PATH + "/{image_id}",
    status_code=204,
    summary="Delete a product image (owner or admin)",
    responses=problem_responses(401, 403, 404),
)
async def delete_image(
    product_id: uuid.UUID,
    image_id: uuid.UUID,
    *,
    session: SessionDep,
    context: ContextDep,
    actor: StoreWriterDep,
    background: BackgroundTasks,
) -> None:
    """Delete an image and its thumbnails. The owning vendor or an admin."""
    keys = await images.delete(
        session, context.outbox, context.media, actor, product_id, image_id=image_id
    )
    # After the commit: a failed commit keeps the row, and so must keep its files.
    background.add_task(images.delete_files, context.media, keys)
