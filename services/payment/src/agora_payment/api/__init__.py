from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX
from agora_payment.api import payments

router = APIRouter(prefix=API_PREFIX)
router.include_router(payments.router)
router.include_router(payments.admin_router)
