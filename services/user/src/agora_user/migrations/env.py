"""Alembic's environment for the user service's tables."""

from agora_kit.migrations import run_env
from agora_user.models import Base

run_env(Base.metadata)
