"""Abuse reports are resolved by an admin (ADR 0119): a report's outcome, who resolved
it and when, with a note; a message an admin removed keeps its place but loses its
text and attachments. Contacts know who the admins are (from the user service's
events), so support's admins are told of a buyer's message.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "contacts",
        sa.Column("admin", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_index(
        "ix_contacts_admins", "contacts", ["user_id"], postgresql_where=sa.text("admin")
    )
    op.add_column("messages", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "message_reports", sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("message_reports", sa.Column("resolved_by", sa.Uuid(), nullable=True))
    op.add_column("message_reports", sa.Column("outcome", sa.String(length=16), nullable=True))
    op.add_column("message_reports", sa.Column("note", sa.String(length=500), nullable=True))
    op.create_check_constraint(
        op.f("ck_message_reports_outcome"),
        "message_reports",
        "outcome IS NULL OR outcome IN ('dismissed', 'removed')",
    )
    op.create_check_constraint(
        op.f("ck_message_reports_resolved"),
        "message_reports",
        "(resolved_at IS NULL) = (outcome IS NULL)",
    )
    op.create_index(
        "ix_message_reports_open",
        "message_reports",
        ["created_at", "id"],
        postgresql_where=sa.text("resolved_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_message_reports_open", table_name="message_reports")
    op.drop_constraint(op.f("ck_message_reports_resolved"), "message_reports", type_="check")
    op.drop_constraint(op.f("ck_message_reports_outcome"), "message_reports", type_="check")
    for column in ("note", "outcome", "resolved_by", "resolved_at"):
        op.drop_column("message_reports", column)
    op.drop_column("messages", "removed_at")
    op.drop_index("ix_contacts_admins", table_name="contacts")
    op.drop_column("contacts", "admin")
