"""The notification service's outbox, inbox and dead-letter tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from agora_kit.events import event_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    event_tables_v1.upgrade()


def downgrade() -> None:
    event_tables_v1.downgrade()
