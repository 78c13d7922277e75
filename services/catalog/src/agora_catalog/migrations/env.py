"""Alembic's environment for the catalog: its tables and the chassis's idempotency keys."""

from agora_catalog.models import Base
from agora_kit import idempotency
from agora_kit.migrations import run_env

run_env(Base.metadata, idempotency.metadata)
