"""Returns of delivered lines: the request, its lines and its moves (ADR 0116).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _part_of(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    """``column`` of ``table`` names the row of ``parent`` it is part of, deleted with it."""
    return sa.ForeignKeyConstraint(
        [column],
        [f"{parent}.id"],
        ondelete="CASCADE",
        name=op.f(f"fk_{table}_{column}_{parent}"),
    )


def upgrade() -> None:
    op.create_table(
        "returns",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("sub_order_id", sa.UUID(), nullable=False),
        sa.Column("vendor_id", sa.UUID(), nullable=False),
        sa.Column("buyer_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("restock", sa.Boolean(), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("refund_amount", sa.BigInteger(), nullable=True),
        sa.Column("refund_id", sa.UUID(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _part_of("returns", "order_id", "orders"),
        _part_of("returns", "sub_order_id", "sub_orders"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    op.create_index(op.f("ix_returns_order_id"), "returns", ["order_id"])
    op.create_index(op.f("ix_returns_sub_order_id"), "returns", ["sub_order_id"])
    op.create_index("ix_returns_vendor_id_requested_at", "returns", ["vendor_id", "requested_at"])
    op.create_table(
        "return_lines",
        sa.Column("return_id", sa.UUID(), nullable=False),
        sa.Column("order_line_id", sa.UUID(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_lines_quantity_positive")),
        _part_of("return_lines", "return_id", "returns"),
        _part_of("return_lines", "order_line_id", "order_lines"),
        sa.PrimaryKeyConstraint("return_id", "order_line_id", name=op.f("pk_return_lines")),
    )
    op.create_index(op.f("ix_return_lines_return_id"), "return_lines", ["return_id"])
    op.create_index(op.f("ix_return_lines_order_line_id"), "return_lines", ["order_line_id"])
    op.create_table(
        "return_transitions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("return_id", sa.UUID(), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("cause", sa.String(length=128), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        _part_of("return_transitions", "return_id", "returns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_transitions")),
    )
    op.create_index(op.f("ix_return_transitions_return_id"), "return_transitions", ["return_id"])


def downgrade() -> None:
    op.drop_table("return_transitions")
    op.drop_table("return_lines")
    op.drop_table("returns")
