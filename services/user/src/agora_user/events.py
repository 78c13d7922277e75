"""What the user service publishes (payloads in ``agora_contracts.user``, written to
the outbox by the service layer) and the events it handles."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.catalog import VendorApproved, VendorSuspended
from agora_kit.events.consumer import EventConsumer
from agora_kit.events.envelope import CloudEvent
from agora_user.service import admin
from agora_user.service.context import UserContext


def handlers(context: Callable[[], UserContext]) -> Callable[[EventConsumer], None]:
    """The subscriptions, for ``create_service_app``; ``context`` is called when an
    event arrives (the context is built after the app)."""

    def register(consumer: EventConsumer) -> None:
        @consumer.on(VendorApproved)
        async def vendor_approved(
            session: AsyncSession, payload: VendorApproved, event: CloudEvent
        ) -> None:
            await admin.set_vendor_role(context(), session, payload.owner_id, granted=True)

        @consumer.on(VendorSuspended)
        async def vendor_suspended(
            session: AsyncSession, payload: VendorSuspended, event: CloudEvent
        ) -> None:
            await admin.set_vendor_role(context(), session, payload.owner_id, granted=False)

    return register
