"""Stripe Connect onboarding (ADR 0104): a vendor's ``/vendors/me/connect`` (its
store's connected account, a fresh onboarding link, its KYC status; in the sandbox,
completing the onboarding) and the admin's ``/admin/connect-accounts/{vendor_id}``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from sqlalchemy.ext.asyncio import AsyncSession

from agora_kit.app import OutboxDep
from agora_kit.auth import Principal, principal_user_id
from agora_kit.db import SessionDep
from agora_kit.errors import Forbidden, problem_responses
from agora_payment.api.deps import AdminDep, ContextDep, VendorDep
from agora_payment.api.schemas import (
    ConnectAccountOut,
    ConnectOnboardingOut,
    SandboxOnboardingIn,
    connect_account_out,
    connect_onboarding_out,
)
from agora_payment.service import connect, webhooks

router = APIRouter(tags=["vendors"])
admin_router = APIRouter(prefix="/admin/connect-accounts", tags=["admin"])


async def _store(session: AsyncSession, principal: Principal) -> uuid.UUID:
    return await connect.store_of(session, principal_user_id(principal, Forbidden("not a user")))


@router.post(
    "/vendors/me/connect",
    summary="Your store's Stripe account and an onboarding link",
    status_code=200,
    response_model=ConnectOnboardingOut,
    responses={201: {"model": ConnectOnboardingOut}, **problem_responses(401, 403)},
)
async def onboard(
    response: Response,
    *,
    principal: VendorDep,
    session: SessionDep,
    outbox: OutboxDep,
    context: ContextDep,
) -> ConnectOnboardingOut:
    """Create the store's Stripe Connect (Express) account the first time (201), or
    get it (200), with a fresh onboarding link each call: send the store's owner to
    `onboarding_url` (single use, it expires within minutes; ask again for a new one).
    Payouts are held until Stripe enables charges and payouts on the account. Calling
    again is safe: a store has one account."""
    vendor_id = await _store(session, principal)
    account, link, made = await connect.onboard(
        session, outbox, context.provider, context.settings, vendor_id
    )
    if made:
        response.status_code = 201
    return connect_onboarding_out(account, link)


@router.get(
    "/vendors/me/connect",
    summary="Your store's onboarding and KYC status",
    response_model=ConnectAccountOut,
    responses=problem_responses(401, 403, 404),
)
async def status(principal: VendorDep, session: SessionDep) -> ConnectAccountOut:
    """The store's Stripe account as Stripe last reported it: `kyc_status`, what is
    enabled, what Stripe still asks for, and whether payouts are held. 404 before
    `POST /vendors/me/connect`."""
    vendor_id = await _store(session, principal)
    return connect_account_out(await connect.of_vendor(session, vendor_id))


@router.post(
    "/vendors/me/connect/sandbox",
    summary="Complete the sandbox's onboarding",
    response_model=ConnectAccountOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def sandbox_onboarding(
    body: SandboxOnboardingIn,
    *,
    principal: VendorDep,
    session: SessionDep,
    outbox: OutboxDep,
    context: ContextDep,
) -> ConnectAccountOut:
    """Where the sandbox provider's onboarding links lead (`agora run`, tests): end the
    store's onboarding as `outcome`, as Stripe would report it with `account.updated`.
    404 with the Stripe provider (production refuses the sandbox)."""
    vendor_id = await _store(session, principal)
    account = await webhooks.sandbox_onboarding(
        session, outbox, context.provider, vendor_id, body.outcome
    )
    return connect_account_out(account)


@admin_router.get(
    "/{vendor_id}",
    summary="A store's onboarding and KYC status",
    response_model=ConnectAccountOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def admin_status(vendor_id: uuid.UUID, _: AdminDep, session: SessionDep) -> ConnectAccountOut:
    """Any store's Stripe account as Stripe last reported it. Admins only."""
    return connect_account_out(await connect.of_vendor(session, vendor_id))
