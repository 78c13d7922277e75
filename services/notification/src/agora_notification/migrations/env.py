"""Alembic's environment for the notification service's tables."""

from agora_kit.migrations import run_env
from agora_notification.models import Base

run_env(Base.metadata)
