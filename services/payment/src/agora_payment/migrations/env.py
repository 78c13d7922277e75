"""Alembic's environment for the payment service: its tables and the kit's idempotency
keys, migrated by the kit's ``run_env``."""

from agora_kit import idempotency
from agora_kit.migrations import run_env
from agora_payment.models import Base

run_env(Base.metadata, idempotency.metadata)
