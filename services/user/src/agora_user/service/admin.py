"""What admins do to accounts, and the roles other services' events grant."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agora_contracts.user import UserRoleChanged, UserRolesAnnounced
from agora_kit import audit
from agora_kit.auth import ROLE_ADMIN, ROLE_VENDOR
from agora_kit.pagination import Page, PageParams, entity_page
from agora_user.models import User
from agora_user.repository import api_keys as api_key_repo
from agora_user.repository import sessions as session_repo
from agora_user.repository import users as user_repo
from agora_user.service import api_keys as api_key_service
from agora_user.service.context import UserContext
from agora_user.service.errors import CannotChangeOwnAdmin

logger = logging.getLogger("agora.user.admin")


async def list_users(
    session: AsyncSession, params: PageParams, *, email: str | None, role: str | None
) -> Page[User]:
    return await entity_page(
        session,
        user_repo.listing(email=email, role=role),
        key=[User.created_at, User.id],
        params=params,
    )


async def set_roles(ctx: UserContext, session: AsyncSession, user: User, roles: set[str]) -> None:
    """Give ``user`` exactly ``roles``, announcing the change. Tokens carry roles, so
    the change shows in the user's next access token (at the latest after one TTL)."""
    before = set(user.roles)
    if before == roles:
        return
    user.roles = sorted(roles)
    user.updated_at = ctx.now()
    await session.flush()
    await ctx.outbox.add(
        session,
        UserRoleChanged(
            user_id=user.id,
            roles=user.roles,
            added=sorted(roles - before),
            removed=sorted(before - roles),
            changed_at=ctx.now(),
        ),
        key=str(user.id),
    )


async def update_user(
    ctx: UserContext,
    session: AsyncSession,
    actor: User,
    user: User,
    *,
    roles: set[str] | None,
    is_active: bool | None,
) -> User:
    if actor.id == user.id and (
        (roles is not None and ROLE_ADMIN not in roles) or is_active is False
    ):
        raise CannotChangeOwnAdmin("Ask another admin; an admin cannot lock themselves out.")
    before = {"roles": sorted(user.roles), "is_active": user.is_active}
    if roles is not None:
        await set_roles(ctx, session, user, roles)
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        user.updated_at = ctx.now()
        if not is_active:
            # Its API keys stay, refused while the account is inactive; the gateway
            # is told to forget what it cached for them.
            await session_repo.revoke_all(session, user.id, ctx.now(), "deactivated")
            active = await api_key_repo.active_ids(session, user.id)
            await api_key_service.announce_revoked(
                ctx, session, user.id, active, reason="deactivated"
            )
        await session.flush()
    after = {"roles": sorted(user.roles), "is_active": user.is_active}
    if after != before:
        await audit.record(
            session,
            ctx.outbox,
            action="user.update",
            resource_type="user",
            resource_id=user.id,
            before=before,
            after=after,
        )
    return user


async def set_vendor_role(
    ctx: UserContext, session: AsyncSession, owner_id: uuid.UUID, *, granted: bool
) -> None:
    """The catalog approved (or suspended) the store of ``owner_id``."""
    user = await user_repo.get(session, owner_id, for_update=True)
    if user is None:
        logger.warning("vendor role change for unknown or erased user %s ignored", owner_id)
        return
    roles = set(user.roles)
    roles = roles | {ROLE_VENDOR} if granted else roles - {ROLE_VENDOR}
    await set_roles(ctx, session, user, roles)


async def announce_roles(ctx: UserContext, session: AsyncSession) -> int:
    """Write a ``UserRolesAnnounced`` of every account holding a role beyond customer
    (vendors and admins); how many. Services that started keeping roles later (the
    notification service's support admins, ADR 0119) learn them from it."""
    users = await user_repo.holding_any_role(session, [ROLE_ADMIN, ROLE_VENDOR])
    for user in users:
        await ctx.outbox.add(
            session,
            UserRolesAnnounced(user_id=user.id, roles=user.roles, announced_at=ctx.now()),
            key=str(user.id),
        )
    return len(users)
