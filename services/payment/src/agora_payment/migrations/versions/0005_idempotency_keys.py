"""The chassis' ``idempotency_keys`` table (ADR 0046): confirmations and refunds
take a required ``Idempotency-Key`` and keep their answer for retries.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from agora_kit import idempotency_tables_v1

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    idempotency_tables_v1.upgrade()


def downgrade() -> None:
    idempotency_tables_v1.downgrade()
