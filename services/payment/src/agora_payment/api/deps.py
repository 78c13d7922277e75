"""What the payment service's routes need beyond a session: its context, the payment
provider, and the admin's and vendor's roles. (The buyer's own dependencies are in
:mod:`agora_payment.api.payments`, its only user.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from agora_kit.auth import ROLE_ADMIN, ROLE_VENDOR, Principal, require_roles
from agora_payment.adapters.provider import PaymentProvider
from agora_payment.service.context import PaymentContext


async def get_context(request: Request) -> PaymentContext:
    context: PaymentContext = request.app.state.context
    return context


ContextDep = Annotated[PaymentContext, Depends(get_context)]


async def get_provider(request: Request) -> PaymentProvider:
    context: PaymentContext = request.app.state.context
    return context.provider


ProviderDep = Annotated[PaymentProvider, Depends(get_provider)]
AdminDep = Annotated[Principal, Depends(require_roles(ROLE_ADMIN))]
VendorDep = Annotated[Principal, Depends(require_roles(ROLE_VENDOR))]
