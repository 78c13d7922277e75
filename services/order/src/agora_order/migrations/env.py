"""Alembic's environment: the order service's tables and the chassis's idempotency
keys, migrated together in the service's database."""

from agora_kit import idempotency
from agora_kit.migrations import run_env
from agora_order.models import Base

run_env(Base.metadata, idempotency.metadata)
