"""/admin/users: accounts as admins see and change them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from agora_kit.db import SessionDep
from agora_kit.errors import NotFound, problem_responses
from agora_kit.pagination import Page, PageParamsDep
from agora_user.api.deps import AdminUser, ContextDep
from agora_user.api.fields import Role, SearchText
from agora_user.api.schemas import AdminUserOut, AdminUserPatch
from agora_user.models import User
from agora_user.repository import users as user_repo
from agora_user.service import admin

router = APIRouter(prefix="/admin/users", tags=["admin"])

_PROBLEMS = (401, 403)


@router.get(
    "",
    response_model=Page[AdminUserOut],
    summary="Every account, oldest first",
    responses=problem_responses(*_PROBLEMS, 422),
)
async def list_users(
    _admin: AdminUser,
    session: SessionDep,
    params: PageParamsDep,
    email: Annotated[SearchText | None, Query(description="Addresses starting with this")] = None,
    role: Annotated[Role | None, Query()] = None,
) -> Page[AdminUserOut]:
    """Every account, oldest first, cursor-paginated. Admins only."""
    page = await admin.list_users(
        session, params, email=email.lower() if email else None, role=role
    )
    return Page[AdminUserOut](
        items=[AdminUserOut.of(u) for u in page.items], next_cursor=page.next_cursor
    )


async def _user(session: SessionDep, user_id: str) -> User:
    parsed = user_repo.parse_id(user_id)
    user = await user_repo.get_even_erased(session, parsed) if parsed else None
    if user is None:
        raise NotFound("No such user.")
    return user


@router.get(
    "/{user_id}",
    summary="One account",
    response_model=AdminUserOut,
    responses=problem_responses(*_PROBLEMS, 404),
)
async def get_user(user_id: str, _admin: AdminUser, session: SessionDep) -> AdminUserOut:
    """One account with its roles and status. Admins only."""
    return AdminUserOut.of(await _user(session, user_id))


@router.patch(
    "/{user_id}",
    response_model=AdminUserOut,
    summary="Change an account's roles or switch it off",
    responses=problem_responses(*_PROBLEMS, 404, 409, 422),
)
async def update_user(
    user_id: str,
    body: AdminUserPatch,
    actor: AdminUser,
    context: ContextDep,
    session: SessionDep,
) -> AdminUserOut:
    """Change an account's roles or switch it off (`is_active`). An admin cannot demote
    or deactivate themselves (409). Admins only."""
    user = await _user(session, user_id)
    if user.deleted_at is not None:
        raise NotFound("The account was erased.")
    updated = await admin.update_user(
        context,
        session,
        actor,
        user,
        roles=set(body.roles) if body.roles is not None else None,
        is_active=body.is_active,
    )
    return AdminUserOut.of(updated)
