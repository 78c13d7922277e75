"""Checkout's Idempotency-Keys move to the chassis' ``idempotency_keys`` table (ADR
0046), which keeps the answer itself; ``checkout_keys`` goes.

Keys of the last day are carried over with their old fingerprints, which the new
scheme never reproduces: a retry of a checkout placed before the upgrade is refused
(422) rather than placing a second order. A downgrade carries checkouts' keys back
the same way.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from agora_kit import idempotency_tables_v1

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    idempotency_tables_v1.upgrade()
    op.execute(
        "INSERT INTO idempotency_keys"
        " (owner, key, fingerprint, status_code, response, location, created_at)"
        " SELECT buyer_id::text, key, fingerprint, 202,"
        " jsonb_build_object('id', order_id), '/api/v1/orders/' || order_id::text, created_at"
        " FROM checkout_keys"
        " WHERE order_id IS NOT NULL AND created_at > now() - interval '1 day'"
    )
    op.drop_table("checkout_keys")


def downgrade() -> None:
    op.create_table(
        "checkout_keys",
        sa.Column("buyer_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("buyer_id", "key", name=op.f("pk_checkout_keys")),
    )
    # Checkouts' keys go back, so that the older version refuses a retry of a checkout
    # placed after the upgrade (the fingerprints differ) rather than placing it again.
    op.execute(
        "INSERT INTO checkout_keys (buyer_id, key, fingerprint, order_id, created_at)"
        " SELECT owner::uuid, key, fingerprint, (response->>'id')::uuid, created_at"
        " FROM idempotency_keys WHERE location = '/api/v1/orders/' || (response->>'id')"
    )
    idempotency_tables_v1.downgrade()
