"""The route by which a service hands over what it holds about one person, for the
GDPR export the gateway composes at ``GET /api/v1/users/me/export`` (ADR 0112), and
what every service's erasure of a person forgets in the chassis's own tables.

``GET /internal/users/{user_id}/export`` answers a JSON object of the service's own
sections. Like every ``/internal`` route it is never routed by the gateway from the
outside and needs the service credential (``X-Agora-Service-Token``)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit import idempotency
from agora_kit.db import SessionDep
from agora_kit.errors import problem_responses
from agora_kit.events.outbox import forget_published_naming
from agora_kit.serving import require_service_token

EXPORT_PATH = "/internal/users/{user_id}/export"

Exporter = Callable[[AsyncSession, uuid.UUID], Awaitable[dict[str, Any]]]


def export_router(export: Exporter, *, service: str) -> APIRouter:
    """The internal export route of ``service``, answering what ``export`` gathers."""
    router = APIRouter(tags=["internal"], dependencies=[Depends(require_service_token)])

    @router.get(
        EXPORT_PATH,
        summary=f"What the {service} service holds about one person (GDPR export)",
        responses=problem_responses(403, 422),
    )
    async def export_user(user_id: uuid.UUID, session: SessionDep) -> dict[str, Any]:
        return await export(session, user_id)

    return router


async def forget_person(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Erasure (ADR 0112): forget the stored answers of the person's Idempotency-Keys
    and the published events in the outbox that name them."""
    await idempotency.forget_owner(session, str(user_id))
    await forget_published_naming(session, user_id)
