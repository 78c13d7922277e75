"""The in-app feed: list, unread count, mark as read."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from agora_kit.db import SessionDep
from agora_kit.errors import NotFound, problem_responses
from agora_kit.pagination import PageParamsDep
from agora_notification.api.deps import ContextDep, UserId
from agora_notification.api.schemas import (
    DeliveryOut,
    FeedItem,
    FeedPage,
    NotificationDetail,
    UnreadCount,
)
from agora_notification.repository import deliveries as delivery_repo
from agora_notification.repository import notifications as notification_repo
from agora_notification.service.feed import entry

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get(
    "",
    response_model=FeedPage,
    summary="Your in-app feed, newest first",
    responses=problem_responses(401, 403, 422),
)
async def list_feed(
    session: SessionDep,
    user_id: UserId,
    page: PageParamsDep,
    unread: Annotated[bool, Query(description="Only entries not read yet")] = False,
) -> FeedPage:
    """The caller's in-app notifications, newest first, cursor-paginated; `unread=true`
    keeps the unread ones."""
    found = await notification_repo.feed_page(session, user_id, page, unread_only=unread)
    return FeedPage(
        items=[FeedItem.of(entry(n)) for n in found.items],
        next_cursor=found.next_cursor,
        unread_count=await notification_repo.unread_count(session, user_id),
    )


@router.get(
    "/unread-count",
    response_model=UnreadCount,
    summary="How many feed entries are not read yet",
    responses=problem_responses(401, 403),
)
async def unread_count(session: SessionDep, user_id: UserId) -> UnreadCount:
    """How many of the caller's in-app notifications are not read yet, for a badge."""
    return UnreadCount(unread_count=await notification_repo.unread_count(session, user_id))


@router.post(
    "/read-all",
    status_code=204,
    summary="Mark every entry of your feed as read",
    responses=problem_responses(401, 403),
)
async def read_all(session: SessionDep, context: ContextDep, user_id: UserId) -> Response:
    """Mark every entry of the caller's feed as read."""
    await notification_repo.mark_all_read(session, user_id, context.now())
    return Response(status_code=204)


@router.post(
    "/{notification_id}/read",
    status_code=204,
    summary="Mark one entry as read",
    responses=problem_responses(401, 403, 404, 422),
)
async def read_one(
    notification_id: uuid.UUID, session: SessionDep, context: ContextDep, user_id: UserId
) -> Response:
    """Mark one entry of the caller's feed as read."""
    if not await notification_repo.mark_read(session, user_id, notification_id, context.now()):
        raise NotFound("You have no such notification.")
    return Response(status_code=204)


@router.get(
    "/{notification_id}",
    response_model=NotificationDetail,
    summary="One entry, with how it was delivered on each channel",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_one(
    notification_id: uuid.UUID, session: SessionDep, user_id: UserId
) -> NotificationDetail:
    """One entry of the caller's feed, with how it was delivered on each channel
    (e-mail, SMS, push)."""
    notification = await notification_repo.get(session, notification_id)
    if notification is None or notification.user_id != user_id or not notification.in_feed:
        raise NotFound("You have no such notification.")
    deliveries = await delivery_repo.of_notification(session, notification_id)
    return NotificationDetail(
        **FeedItem.of(entry(notification)).model_dump(),
        deliveries=[DeliveryOut.of(d) for d in deliveries],
    )
