"""Devices that receive push notifications (a mobile app or browser registers its
provider token after sign-in)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from agora_kit.db import SessionDep
from agora_kit.errors import NotFound, problem_responses
from agora_notification.api.deps import ContextDep, UserId
from agora_notification.api.schemas import DeviceIn, DeviceOut
from agora_notification.repository import devices as device_repo

router = APIRouter(prefix="/notifications/devices", tags=["notifications"])


@router.post(
    "",
    status_code=201,
    response_model=DeviceOut,
    summary="Register this device for push notifications",
    responses=problem_responses(401, 403, 422),
)
async def register_device(
    body: DeviceIn, session: SessionDep, context: ContextDep, user_id: UserId
) -> DeviceOut:
    """Register one of the caller's devices (its push token) to receive push
    notifications."""
    device = await device_repo.register(session, user_id, body.token, body.platform, context.now())
    return DeviceOut.of(device)


@router.get(
    "",
    response_model=list[DeviceOut],
    summary="Your devices that receive push notifications",
    responses=problem_responses(401, 403),
)
async def list_devices(session: SessionDep, user_id: UserId) -> list[DeviceOut]:
    """The caller's devices that receive push notifications."""
    rows = await device_repo.of_user(session, user_id)
    return [DeviceOut.of(d) for d in rows]


@router.delete(
    "/{device_id}",
    status_code=204,
    summary="Stop push notifications to a device",
    responses=problem_responses(401, 403, 404, 422),
)
async def remove_device(device_id: uuid.UUID, session: SessionDep, user_id: UserId) -> Response:
    """Stop push notifications to one of the caller's devices."""
    if not await device_repo.remove(session, user_id, device_id):
        raise NotFound("You have no such device.")
    return Response(status_code=204)
