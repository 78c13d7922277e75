"""An admin resolves a report of abuse (ADR 0119): dismissed, the message stays;
removed, the message loses its text and attachments, every open report of it is
resolved with the same outcome, and both sides' open sockets hear of it on commit."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agora_notification.domain import Outcome
from agora_notification.models import Message, MessageReport
from agora_notification.repository import conversations as repo
from agora_notification.service import conversation_news as news
from agora_notification.service.context import NotificationContext
from agora_notification.service.errors import ReportNotFound, ReportResolved


async def resolve(
    ctx: NotificationContext,
    session: AsyncSession,
    *,
    admin_id: uuid.UUID,
    report_id: uuid.UUID,
    outcome: Outcome,
    note: str | None,
) -> tuple[MessageReport, Message]:
    """Resolve one open report; 404 when there is none, 409 when it was resolved."""
    report = await repo.report_for_update(session, report_id)
    if report is None:
        raise ReportNotFound("There is no such report.")
    if report.resolved_at is not None:
        raise ReportResolved(f"This report was resolved already ({report.outcome}).")
    now = ctx.now()
    report.resolved_at = now
    report.resolved_by = admin_id
    report.outcome = outcome
    report.note = note
    found = await repo.message(session, report.conversation_id, report.message_id)
    assert found is not None  # a report's message is deleted with it (ON DELETE CASCADE)
    if outcome != "removed":
        return report, found
    # A message removed before (on a report filed since) is not announced again.
    first = found.removed_at is None
    message = await repo.remove_message(session, report.message_id, now)
    await repo.resolve_others(session, report)
    if first:
        conversation = await repo.get(session, report.conversation_id)
        assert conversation is not None  # a message is deleted with its conversation
        await news.removed(session, conversation, message)
    return report, message
