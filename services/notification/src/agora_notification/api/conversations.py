"""Conversations (ADR 0119): a buyer writes to a store about a product or an order, or
to support; both sides read, answer and mark as read; either reports abuse; admins
answer support, list the reports and resolve them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from agora_kit.app import OutboxDep
from agora_kit.auth import ROLE_ADMIN, CurrentPrincipal, require_roles
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_notification.api.conversation_schemas import (
    ConversationIn,
    ConversationOut,
    ConversationPage,
    MessageIn,
    MessageOut,
    Opened,
    ReadIn,
    ReadOut,
    ReportIn,
    ReportOut,
    ResolveIn,
)
from agora_notification.api.deps import ContextDep, UserId
from agora_notification.domain import ReportState, Side
from agora_notification.repository import conversations as repo
from agora_notification.service import conversations as rules
from agora_notification.service import moderation
from agora_notification.service.message_entry import entry

router = APIRouter(prefix="/conversations", tags=["messages"])
admin_router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_roles(ROLE_ADMIN))],
)


async def _caller(
    session: SessionDep, user_id: UserId, principal: CurrentPrincipal
) -> rules.Caller:
    return await rules.caller(session, user_id, principal)


CallerDep = Annotated[rules.Caller, Depends(_caller)]


def _draft(body: MessageIn) -> rules.Draft:
    return rules.Draft(
        body=body.body,
        attachments=[{"image_id": str(a.image_id), "url": a.url} for a in body.attachments],
    )


@router.post(
    "",
    status_code=201,
    response_model=Opened,
    summary="Write to a store about a product or an order, or to support",
    responses=problem_responses(401, 403, 422, 429),
)
async def open_conversation(
    body: ConversationIn,
    *,
    response: Response,
    session: SessionDep,
    context: ContextDep,
    outbox: OutboxDep,
    who: CallerDep,
) -> Opened:
    """The first message of a conversation: 201 with a new conversation, 200 when the
    caller already has one on the same subject (the message is added to it). About a
    product, the product's store answers; about an order (the caller's), the store
    named by `vendor_id` (optional when the order has one store); support's admins
    answer `support`."""
    conversation, message, created = await rules.start(
        context,
        session,
        outbox=outbox,
        who=who,
        opening=rules.Opening(body.about, body.product_id, body.order_id, body.vendor_id),
        draft=_draft(body),
    )
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/conversations/{conversation.id}"
    return Opened(
        conversation=ConversationOut.of(conversation, "buyer", 0),
        message=MessageOut.of(entry(message)),
    )


@router.get(
    "",
    response_model=ConversationPage,
    summary="Your conversations, the latest first",
    responses=problem_responses(401, 403, 422),
)
async def list_conversations(
    session: SessionDep,
    who: CallerDep,
    page: PageParamsDep,
    side: Annotated[
        Side | None,
        Query(
            description="`buyer`: yours as a buyer; `store`: your stores' "
            "(and support's, for admins)"
        ),
    ] = None,
) -> ConversationPage:
    """The conversations the caller takes part in: as a buyer, as a store's owner, and
    for admins, support's; with the unread count of each."""
    as_buyer = side in (None, "buyer")
    as_store = side in (None, "store")
    where = repo.visible(
        who.user_id if as_buyer else None,
        who.stores if as_store else (),
        support=who.admin and as_store,
    )
    found = await repo.page(session, where, page)
    counts = await repo.unread_counts(session, who.user_id, where)
    items = []
    for conversation in found.items:
        your_side = who.side_in(conversation)
        assert your_side is not None
        items.append(ConversationOut.of(conversation, your_side, counts.get(conversation.id, 0)))
    return ConversationPage(
        items=items, next_cursor=found.next_cursor, unread_count=sum(counts.values())
    )


@router.get(
    "/{conversation_id}",
    response_model=ConversationOut,
    summary="One conversation, with both sides' read receipts",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_conversation(
    conversation_id: uuid.UUID, session: SessionDep, who: CallerDep
) -> ConversationOut:
    """One of the caller's conversations (404 for anyone else's)."""
    conversation, side = await rules.visible_one(session, who, conversation_id)
    return ConversationOut.of(
        conversation, side, await repo.unread_of_side(session, conversation, side)
    )


@router.get(
    "/{conversation_id}/messages",
    response_model=Page[MessageOut],
    summary="A conversation's messages, newest first",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_messages(
    conversation_id: uuid.UUID, session: SessionDep, who: CallerDep, page: PageParamsDep
) -> Page[MessageOut]:
    """The messages of one of the caller's conversations, newest first,
    cursor-paginated."""
    conversation, _ = await rules.visible_one(session, who, conversation_id)
    found = await repo.messages_page(session, conversation.id, page)
    return Page[MessageOut](
        items=[MessageOut.of(entry(m)) for m in found.items], next_cursor=found.next_cursor
    )


@router.post(
    "/{conversation_id}/messages",
    status_code=201,
    response_model=MessageOut,
    summary="Write in a conversation",
    responses=problem_responses(401, 403, 404, 422, 429),
)
async def post_message(
    conversation_id: uuid.UUID,
    *,
    body: MessageIn,
    session: SessionDep,
    context: ContextDep,
    outbox: OutboxDep,
    who: CallerDep,
) -> MessageOut:
    """A message on the caller's side: the buyer's, the store's (its owner), or
    support's (an admin). At most `MESSAGES_PER_MINUTE` a minute per person (429)."""
    message = await rules.reply(
        context,
        session,
        outbox=outbox,
        who=who,
        conversation_id=conversation_id,
        draft=_draft(body),
    )
    return MessageOut.of(entry(message))


@router.post(
    "/{conversation_id}/read",
    response_model=ReadOut,
    summary="Mark the other side's messages as read up to one",
    responses=problem_responses(401, 403, 404, 422),
)
async def read(
    conversation_id: uuid.UUID,
    body: ReadIn,
    session: SessionDep,
    context: ContextDep,
    who: CallerDep,
) -> ReadOut:
    """The caller's side has read up to `up_to`: the other side sees the receipt (live,
    and as `*_read_seq`)."""
    unread = await rules.read(context, session, who, conversation_id, body.up_to)
    return ReadOut(unread_count=unread)


@router.post(
    "/{conversation_id}/messages/{message_id}/report",
    status_code=201,
    response_model=ReportOut,
    summary="Report a message as abusive",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def report(
    conversation_id: uuid.UUID,
    *,
    message_id: uuid.UUID,
    body: ReportIn,
    session: SessionDep,
    context: ContextDep,
    who: CallerDep,
) -> ReportOut:
    """Report a message of the other side to the admins (once per message)."""
    found = await rules.report(
        context,
        session,
        who=who,
        conversation_id=conversation_id,
        message_id=message_id,
        reason=body.reason,
    )
    return ReportOut.of(found)


@admin_router.get(
    "/message-reports",
    response_model=Page[ReportOut],
    summary="Reported messages, newest first (admins)",
    responses=problem_responses(401, 403, 422),
)
async def list_reports(
    session: SessionDep,
    page: PageParamsDep,
    state: Annotated[
        ReportState | None,
        Query(description="Only the open reports (the queue), or only the resolved ones"),
    ] = None,
) -> Page[ReportOut]:
    """Every report of abuse, with the message it names."""
    found = await repo.reports_page(session, page, state=state)
    return Page[ReportOut](
        items=[ReportOut.of(r, entry(m)) for r, m in found.items], next_cursor=found.next_cursor
    )


@admin_router.post(
    "/message-reports/{report_id}/resolve",
    response_model=ReportOut,
    summary="Resolve a report: dismiss it, or remove the message (admins)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def resolve_report(
    report_id: uuid.UUID,
    body: ResolveIn,
    session: SessionDep,
    context: ContextDep,
    admin_id: UserId,
) -> ReportOut:
    """An open report is resolved once (409 after). `removed` clears the message's text
    and attachments for both sides (`removed` then shows) and resolves every other open
    report of the same message with it."""
    report, message = await moderation.resolve(
        context,
        session,
        admin_id=admin_id,
        report_id=report_id,
        outcome=body.outcome,
        note=body.note,
    )
    return ReportOut.of(report, entry(message))
